//! Online exams (EXM-1..5): the question bank and its import, exam forms (test, tickets,
//! offline), the schedule, attempts with a server-side timer, scoring, and marks into the journal.

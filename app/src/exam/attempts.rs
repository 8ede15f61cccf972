//! Several attempts at one exam, as Moodle's quiz has them: how many a candidate may make
//! (1..10), which attempt a start makes, and the grade their attempts make by the exam's
//! grading method. Compiled for both targets: the pages name the methods and show the grade so
//! far; the store decides starts and writes the grade into the journal with the same rules.
//!
//! Decisions (issue 19):
//! - Only handed-in attempts that a proctor did not annul count towards the grade.
//! - An attempt waiting for the teacher (essays, a ticket) makes the grade wait when the method
//!   reads it (highest and average read every counted attempt; first and last one of them):
//!   the journal keeps what it had until the teacher grades it, as Moodle's grade waits.
//! - Average is the mean of the marks, rounded half up (4 and 5 make 5; 3, 4 and 4 make 4).
//! - A new attempt may be started once the last one is closed and fewer than allowed were made.
//!   After an annulment none may: retaking would wipe out the proctor's sanction (an appeal that
//!   reinstates the attempt lifts it).
//! - An exam of one attempt answers a start after the hand-in with that attempt, as it always
//!   did (its page shows the result); an exam of several refuses it once all are used.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The most attempts an exam may allow ("unlimited" is not offered).
pub const MAX_ATTEMPTS: i64 = 10;

/// Which of a candidate's counted attempts make their mark (Moodle's names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum GradingMethod {
    #[default]
    Highest,
    Average,
    First,
    Last,
}

impl GradingMethod {
    pub const ALL: [GradingMethod; 4] = [GradingMethod::Highest, GradingMethod::Average, GradingMethod::First, GradingMethod::Last];

    /// As stored in `exams.grading_method`.
    pub fn code(self) -> &'static str {
        match self {
            GradingMethod::Highest => "highest",
            GradingMethod::Average => "average",
            GradingMethod::First => "first",
            GradingMethod::Last => "last",
        }
    }

    pub fn from_code(code: &str) -> Option<GradingMethod> {
        GradingMethod::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            GradingMethod::Highest => Msg::GradingHighest,
            GradingMethod::Average => Msg::GradingAverage,
            GradingMethod::First => Msg::GradingFirst,
            GradingMethod::Last => Msg::GradingLast,
        }
    }
}

/// One attempt as the grade reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Graded {
    pub attempt_no: i64,
    pub submitted: bool,
    pub annulled: bool,
    pub needs_grading: bool,
    /// The attempt's mark on the journal's scale, once it has one.
    pub mark: Option<u8>,
}

/// A candidate's grade by the exam's method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grade {
    /// No attempt counts (none handed in yet, or all annulled): the journal cell is empty.
    #[default]
    Empty,
    /// An attempt the method reads waits for the teacher's grade.
    Waits,
    Mark(u8),
}

impl Grade {
    pub fn mark(self) -> Option<u8> {
        match self {
            Grade::Mark(m) => Some(m),
            _ => None,
        }
    }
}

/// The grade a candidate's attempts make by `method`.
pub fn grade(method: GradingMethod, attempts: &[Graded]) -> Grade {
    let mut counted: Vec<&Graded> = attempts.iter().filter(|a| a.submitted && !a.annulled).collect();
    counted.sort_by_key(|a| a.attempt_no);
    let read: Vec<&Graded> = match method {
        GradingMethod::First => counted.first().copied().into_iter().collect(),
        GradingMethod::Last => counted.last().copied().into_iter().collect(),
        GradingMethod::Highest | GradingMethod::Average => counted,
    };
    if read.iter().any(|a| a.needs_grading) {
        return Grade::Waits;
    }
    let marks: Vec<u32> = read.iter().filter_map(|a| a.mark).map(u32::from).collect();
    let Some(&last) = marks.last() else { return Grade::Empty };
    let value = match method {
        GradingMethod::Highest => marks.iter().copied().max().unwrap_or(last),
        // Rounded half up, in integers: (2·sum + n) / 2n.
        GradingMethod::Average => (2 * marks.iter().sum::<u32>() + marks.len() as u32) / (2 * marks.len() as u32),
        GradingMethod::First | GradingMethod::Last => last,
    };
    Grade::Mark(value as u8)
}

/// A candidate's attempts at an exam as a start reads them: the last one, and whether any was
/// annulled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Made {
    pub last_id: i64,
    pub last_no: i64,
    pub last_closed: bool,
    pub annulled: bool,
}

/// What a start does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextAttempt {
    /// Gives back this attempt: the one still open (a second click, a second tab), or an exam's
    /// only attempt once handed in.
    Resume(i64),
    /// Makes the attempt of this number (the window and the rest are checked by the start).
    Start(i64),
    Refused(Msg),
}

pub fn next_attempt(made: Option<Made>, allowed: i64) -> NextAttempt {
    let Some(m) = made else { return NextAttempt::Start(1) };
    if !m.last_closed || allowed <= 1 {
        NextAttempt::Resume(m.last_id)
    } else if m.annulled {
        NextAttempt::Refused(Msg::ErrAnnulledNoRetake)
    } else if m.last_no >= allowed {
        NextAttempt::Refused(Msg::ErrNoAttemptsLeft)
    } else {
        NextAttempt::Start(m.last_no + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(attempt_no: i64, mark: u8) -> Graded {
        Graded { attempt_no, submitted: true, annulled: false, needs_grading: false, mark: Some(mark) }
    }

    #[test]
    fn each_method_picks_its_attempts() {
        // Listed out of order: the method reads attempt numbers, not the order rows came in.
        let attempts = [sat(2, 5), sat(1, 3), sat(3, 4)];
        assert_eq!(grade(GradingMethod::Highest, &attempts), Grade::Mark(5));
        assert_eq!(grade(GradingMethod::Average, &attempts), Grade::Mark(4));
        assert_eq!(grade(GradingMethod::First, &attempts), Grade::Mark(3));
        assert_eq!(grade(GradingMethod::Last, &attempts), Grade::Mark(4));
    }

    #[test]
    fn average_rounds_half_up() {
        assert_eq!(grade(GradingMethod::Average, &[sat(1, 4), sat(2, 5)]), Grade::Mark(5));
        assert_eq!(grade(GradingMethod::Average, &[sat(1, 3), sat(2, 4), sat(3, 4)]), Grade::Mark(4));
        assert_eq!(grade(GradingMethod::Average, &[sat(1, 70), sat(2, 85)]), Grade::Mark(78));
        assert_eq!(grade(GradingMethod::Average, &[sat(1, 2), sat(2, 2), sat(3, 3)]), Grade::Mark(2));
    }

    #[test]
    fn annulled_and_open_attempts_do_not_count() {
        let mut annulled = sat(2, 5);
        annulled.annulled = true;
        let open = Graded { attempt_no: 3, submitted: false, annulled: false, needs_grading: false, mark: None };
        let attempts = [sat(1, 3), annulled, open];
        for method in GradingMethod::ALL {
            assert_eq!(grade(method, &attempts), Grade::Mark(3), "{method:?}");
        }
        let mut only = sat(1, 5);
        only.annulled = true;
        assert_eq!(grade(GradingMethod::Highest, &[only]), Grade::Empty, "nothing counts: the cell is emptied");
        assert_eq!(grade(GradingMethod::Last, &[]), Grade::Empty);
    }

    #[test]
    fn the_grade_waits_for_the_teacher_where_the_method_reads_it() {
        let waiting = Graded { attempt_no: 2, submitted: true, annulled: false, needs_grading: true, mark: None };
        let attempts = [sat(1, 4), waiting];
        assert_eq!(grade(GradingMethod::Highest, &attempts), Grade::Waits);
        assert_eq!(grade(GradingMethod::Average, &attempts), Grade::Waits);
        assert_eq!(grade(GradingMethod::Last, &attempts), Grade::Waits);
        assert_eq!(grade(GradingMethod::First, &attempts), Grade::Mark(4), "the first attempt was graded");
    }

    #[test]
    fn a_start_resumes_makes_the_next_or_is_refused() {
        let made = |no, closed, annulled| Some(Made { last_id: 70 + no, last_no: no, last_closed: closed, annulled });
        assert_eq!(next_attempt(None, 3), NextAttempt::Start(1));
        assert_eq!(next_attempt(made(1, false, false), 3), NextAttempt::Resume(71), "the open attempt comes back");
        assert_eq!(next_attempt(made(1, true, false), 3), NextAttempt::Start(2));
        assert_eq!(next_attempt(made(2, true, false), 3), NextAttempt::Start(3));
        assert_eq!(next_attempt(made(3, true, false), 3), NextAttempt::Refused(Msg::ErrNoAttemptsLeft));
        assert_eq!(next_attempt(made(2, true, true), 3), NextAttempt::Refused(Msg::ErrAnnulledNoRetake));
        assert_eq!(next_attempt(made(1, true, false), 1), NextAttempt::Resume(71), "one attempt: its result page");
    }

    #[test]
    fn methods_read_back_from_their_codes() {
        for m in GradingMethod::ALL {
            assert_eq!(GradingMethod::from_code(m.code()), Some(m));
        }
        assert_eq!(GradingMethod::from_code("best"), None);
    }
}

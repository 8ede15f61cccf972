//! Exam pages, one file each: the exams list (`list`: sit / teach / create / import questions), the
//! device check before an attempt (`sit`), the attempt with autosave and the server's timer
//! (`attempt`, gap questions' text with its gaps in `gap_text`, a number with units in
//! `unit_answer`), the teacher's results (`results`)
//! with its regrade panel (`regrade`), the question bank (`bank`) and its question
//! editor (`question_editor`, its units in `units_editor`), grading of tickets and offline marks (`grading`), editing,
//! duplicating and archiving an exam (`edit`, whose settings fields `settings_form` shares with
//! the new exam's form).

mod attempt;
mod bank;
mod calculated_editor;
mod edit;
mod editor_inputs;
mod gap_editor;
mod gap_text;
mod grading;
pub(crate) mod list;
mod question_editor;
mod regrade;
mod results;
pub mod settings_form;
mod sit;
mod unit_answer;
mod units_editor;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

/// A candidate's pages (my exams, the exam's page with its device check, the paper): in the
/// candidate's bundle too (`crate::CandidateApp`).
#[component(transparent)]
pub fn SittingRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/exams") view=list::ExamsPage/>
        <Route path=path!("/exams/attempt/:id") view=attempt::AttemptPage/>
        <Route path=path!("/exams/:id/sit") view=sit::SitPage/>
    }
    .into_inner()
}

/// A teacher's pages: the bank, results, grading and offline marks (the whole app only).
#[component(transparent)]
pub fn ExamRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/exams/bank") view=bank::BankPage/>
        <Route path=path!("/exams/:id/results") view=results::ResultsPage/>
        <Route path=path!("/exams/attempt/:id/grade") view=grading::GradePage/>
        <Route path=path!("/exams/:id/marks") view=grading::OfflineMarksPage/>
        <Route path=path!("/exams/:id/edit") view=edit::EditExamPage/>
        <Route path=path!("/exams/:id/duplicate") view=edit::DuplicateExamPage/>
    }
    .into_inner()
}

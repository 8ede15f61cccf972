//! Journal pages: the list, the grid, the plan and lessons, the history, a student's marks and
//! the performance report.

mod assignments;
mod certificates;
mod grid;
mod history;
mod list;
mod my;
mod performance;
mod plan;
mod timesheet;

use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn JournalRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/journals") view=list::JournalsPage/>
        <Route path=path!("/journals/timesheet") view=timesheet::TimesheetPage/>
        <Route path=path!("/journals/:id") view=grid::JournalPage/>
        <Route path=path!("/journals/:id/plan") view=plan::PlanPage/>
        <Route path=path!("/journals/:id/history") view=history::HistoryPage/>
        <Route path=path!("/journals/:id/assignments") view=assignments::JournalAssignmentsPage/>
        <Route path=path!("/my/assignments") view=assignments::MyAssignmentsPage/>
        <Route path=path!("/my/certificates") view=certificates::MyCertificatesPage/>
        <Route path=path!("/certificates") view=certificates::CertificateQueuePage/>
        <Route path=path!("/verify/:code") view=certificates::VerifyPage/>
        <Route path=path!("/my/marks") view=my::MyMarksPage/>
        <Route path=path!("/reports/performance") view=performance::PerformancePage/>
    }
    .into_inner()
}

/// The tabs of one journal, plus its downloads.
#[component]
fn JournalNav(id: i64, active: &'static str) -> impl IntoView {
    let tab = move |key: &'static str, href: String, label: Msg| {
        view! { <a href=href aria-current=if key == active { "page" } else { "false" }>{t(label)}</a> }
    };
    view! {
        <nav class="tabs" aria-label=t(Msg::Journal)>
            <a href="/journals">"← "{t(Msg::Journals)}</a>
            {tab("grid", format!("/journals/{id}"), Msg::Journal)}
            {tab("plan", format!("/journals/{id}/plan"), Msg::PlanAndLessons)}
            {tab("assignments", format!("/journals/{id}/assignments"), Msg::Assignments)}
            {tab("history", format!("/journals/{id}/history"), Msg::MarkHistory)}
            <a href=format!("/export/journal/{id}.xlsx") download rel="external">"XLSX"</a>
            <a href=format!("/export/journal/{id}.pdf") rel="external" target="_blank">"PDF"</a>
        </nav>
    }
}

/// The journal id of a `/journals/:id/...` page: as a reactive getter for resources, and as read
/// once for the tabs (which do not change while the page is open).
fn journal_id_param() -> (impl Fn() -> i64 + Copy + Send + Sync + 'static, i64) {
    let params = leptos_router::hooks::use_params_map();
    let parse = |p: &leptos_router::params::ParamsMap| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    (move || params.with(parse), params.with_untracked(parse))
}

/// "05.09.2026" from "2026-09-05"; anything else as it is.
pub fn dotted(date: &str) -> String {
    crate::journal::semester::Date::parse(date).map(|d| d.dotted()).unwrap_or_else(|_| date.to_string())
}

//! Student records' pages: the colleges' groups and the import, a group's students, the
//! student card.

mod card;
mod group;
mod overview;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn RecordsRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/records") view=overview::RecordsPage/>
        <Route path=path!("/records/groups/:id") view=group::GroupStudentsPage/>
        <Route path=path!("/records/students/:id") view=card::StudentCardPage/>
    }
    .into_inner()
}

/// "06130100 Software, 2nd year, full-time, Kazakh", or that no profile is set.
fn profile_text(p: &Option<crate::admin::model::GroupProfile>, l: crate::i18n::Locale) -> String {
    match p {
        None => crate::i18n::Msg::GroupProfileNotSet.text(l).to_string(),
        Some(p) => format!(
            "{} {} · {} {} · {} · {}",
            p.specialty_code,
            p.specialty_name,
            crate::i18n::Msg::Course.text(l),
            p.course,
            p.study_form.msg().text(l),
            p.study_language.msg().text(l)
        ),
    }
}

use super::JournalNav;
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::journal::api::journal_history;
use crate::journal::model::{Cell, Scale};
use crate::ui::{time::format_datetime, ErrorNote};
use leptos::prelude::*;

#[component]
pub fn HistoryPage() -> impl IntoView {
    view! { <RequireUser><History/></RequireUser> }
}

/// Every change of every cell, newest first; nobody can edit it (JRN-10).
#[component]
fn History() -> impl IntoView {
    let (id, nav_id) = super::journal_id_param();
    let history = Resource::new(id, journal_history);
    let locale = use_locale();
    // Stored codes are locale-free ("n"); show them as the reader's language writes them. The
    // scale does not matter for showing a code, so the 100-point one (which reads any mark) is used.
    let show = move |code: &str| {
        let l = locale.get();
        if code.is_empty() {
            "—".to_string()
        } else {
            Cell::from_store_code(Scale::Hundred, code).label(l)
        }
    };
    view! {
        <section class="card wide">
            <JournalNav id=nav_id active="history"/>
            <h1>{t(Msg::MarkHistory)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || history.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoChangesYet)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" data-testid="history">
                            <thead><tr>
                                <th>{t(Msg::When)}</th><th>{t(Msg::LessonDate)}</th><th>{t(Msg::Student)}</th>
                                <th>{t(Msg::OldValue)}</th><th>{t(Msg::NewValue)}</th><th>{t(Msg::Reason)}</th><th>{t(Msg::Who)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|h| {
                                    let (old, new, reason) = (h.old_value.clone(), h.new_value.clone(), h.reason.clone());
                                    view! {
                                        <tr>
                                            <td>{format_datetime(h.at)}</td>
                                            <td>{super::dotted(&h.lesson_date)}</td>
                                            <td>{h.student_name.clone()}</td>
                                            <td class="num">{move || show(&old)}</td>
                                            <td class="num">{move || show(&new)}</td>
                                            <td>{move || reason.text(locale.get())}</td>
                                            <td>{h.actor_name.clone()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

//! The teacher's teaching-time sheet for a month: hours given from the lessons, against the
//! planned load of each journal.

use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::journal::api::timesheet;
use crate::journal::model::Hours;
use crate::ui::ErrorNote;
use leptos::prelude::*;

#[component]
pub fn TimesheetPage() -> impl IntoView {
    view! { <RequireUser><Timesheet/></RequireUser> }
}

#[component]
fn Timesheet() -> impl IntoView {
    let locale = use_locale();
    let month = RwSignal::new(String::new());
    let rows = Resource::new(
        move || month.get(),
        |m| async move {
            // The current month until the teacher picks another.
            let m = if m.is_empty() { String::from("current") } else { m };
            timesheet(m).await
        },
    );
    let hours = move |half: i64| Hours::from_half_hours(half.max(0) as u32).label(locale.get());
    view! {
        <section class="card wide">
            <h1>{t(Msg::Timesheet)}</h1>
            <form class="row-form" on:submit=move |ev| ev.prevent_default()>
                <label>{t(Msg::Month)}<input type="month" name="month" on:change=move |ev| month.set(event_target_value(&ev))/></label>
            </form>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(rows) => {
                        let (mut planned, mut given, mut to_date) = (0, 0, 0);
                        for r in &rows {
                            planned += r.planned_half_hours;
                            given += r.month_half_hours;
                            to_date += r.to_date_half_hours;
                        }
                        view! {
                            <table class="list" data-testid="timesheet">
                                <thead><tr><th>{t(Msg::Journal)}</th><th>{t(Msg::PlannedHours)}</th><th>{t(Msg::HoursThisMonth)}</th><th>{t(Msg::HoursToDate)}</th><th>{t(Msg::HoursLeft)}</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td><a href=format!("/journals/{}", r.journal_id)>{r.title.clone()}</a></td>
                                            <td class="num">{move || hours(r.planned_half_hours)}</td>
                                            <td class="num">{move || hours(r.month_half_hours)}</td>
                                            <td class="num">{move || hours(r.to_date_half_hours)}</td>
                                            <td class="num">{move || hours(r.planned_half_hours - r.to_date_half_hours)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                                <tfoot><tr class="total">
                                    <td>{t(Msg::Total)}</td>
                                    <td class="num">{move || hours(planned)}</td>
                                    <td class="num">{move || hours(given)}</td>
                                    <td class="num">{move || hours(to_date)}</td>
                                    <td class="num">{move || hours(planned - to_date)}</td>
                                </tr></tfoot>
                            </table>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::journal::api::my_marks;
use crate::journal::model::{format_2dp, Cell};
use crate::ui::ErrorNote;
use leptos::prelude::*;

#[component]
pub fn MyMarksPage() -> impl IntoView {
    view! { <RequireUser><MyMarks/></RequireUser> }
}

/// A student's own marks, absences and averages per subject.
#[component]
fn MyMarks() -> impl IntoView {
    let marks = Resource::new(|| (), |_| my_marks());
    let locale = use_locale();
    view! {
        <section class="card wide">
            <h1>{t(Msg::MyMarks)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || marks.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoJournals)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" data-testid="my-marks">
                            <thead><tr>
                                <th>{t(Msg::Subject)}</th><th>{t(Msg::Marks)}</th><th>{t(Msg::Average)}</th>
                                <th>{t(Msg::AttendanceAbsent)}</th><th>{t(Msg::AttendanceLate)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| {
                                    let scale = s.scale;
                                    let cells = s.cells.clone();
                                    let avg = s.average;
                                    view! {
                                        <tr>
                                            <th scope="row">{s.subject.clone()}<br/><small class="muted">{s.teacher_name.clone()}</small></th>
                                            <td class="marks-line">
                                                {cells.into_iter().map(|(date, code)| {
                                                    let title = super::dotted(&date);
                                                    view! { <span class="mark" title=title>{move || Cell::from_store_code(scale, &code).label(locale.get())}</span> }
                                                }).collect_view()}
                                            </td>
                                            <td class="num" data-testid="my-average">{move || avg.map(|a| format_2dp(a, locale.get())).unwrap_or_else(|| "—".into())}</td>
                                            <td class="num">{s.absent + s.excused}<small class="muted">{move || format!(" ({} {})", s.excused, Msg::AttendanceExcused.text(locale.get()).to_lowercase())}</small></td>
                                            <td class="num">{s.late}</td>
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

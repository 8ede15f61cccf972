//! The teacher's results of an exam: per candidate and per question, the regrade after a key
//! was corrected, and its schedule.

use crate::auth::shell::RequireUser;
use crate::exam::api::*;
use crate::exam::model::{score_text, verdict_msg};
use crate::i18n::{t, Msg};
use crate::ui::id_param;
use crate::ui::time::format_datetime;
use crate::ui::ErrorNote;
use leptos::prelude::*;

#[component]
pub fn ResultsPage() -> impl IntoView {
    view! { <RequireUser><Results/></RequireUser> }
}

#[component]
fn Results() -> impl IntoView {
    let id = id_param();
    let res = Resource::new(id, exam_results);
    // Its own resource, created with the page (not inside the results' reactive closure, where
    // a resource created on each run would not match the server's during hydration).
    let exam_id = untrack(id);
    view! {
        <section class="card wide">
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || res.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(r) => {
                        let eid = r.exam.id;
                        view! {
                            <h1>{r.exam.title.clone()}</h1>
                            <p class="muted">{r.exam.group_name.clone()}" · "{format_datetime(r.exam.opens_at)}</p>
                            <p class="actions">
                                <a href=format!("/export/exam/{eid}.xlsx") rel="external" download>"XLSX"</a>" "
                                <a href=format!("/export/exam/{eid}.csv") rel="external" download>"CSV"</a>" · "
                                {t(Msg::ProctorReport)}": "
                                <a href=format!("/export/proctor/exam/{eid}.xlsx") rel="external" download>"XLSX"</a>" "
                                <a href=format!("/export/proctor/exam/{eid}.csv") rel="external" download>"CSV"</a>" "
                                <a href=format!("/export/proctor/exam/{eid}.pdf") rel="external" download>"PDF"</a>
                            </p>
                            {(r.exam.form == "offline").then(|| view! {
                                <p><a class="button primary" href=format!("/exams/{eid}/marks") data-testid="enter-marks">{t(Msg::EnterMarks)}</a></p>
                            })}
                            {(r.exam.attempts_allowed > 1).then(|| view! {
                                <p class="muted" data-testid="grading-method">{t(Msg::AttemptsAllowed)}": "{r.exam.attempts_allowed}" · "{t(Msg::GradingMethodLabel)}": "{t(r.exam.grading_method.msg())}</p>
                            })}
                            <table class="list" data-testid="results">
                                <thead><tr><th>{t(Msg::Student)}</th><th>{t(Msg::FinalGrade)}</th><th>{t(Msg::AttemptNo)}</th><th>{t(Msg::Started)}</th><th>{t(Msg::Submitted)}</th><th>{t(Msg::Score)}</th><th>"%"</th><th>{t(Msg::Mark)}</th><th>{t(Msg::Risk)}</th><th>{t(Msg::Verdict)}</th><th></th></tr></thead>
                                <tbody>
                                    {r.candidates.iter().enumerate().map(|(i, c)| {
                                        let c = c.clone();
                                        let offline_form = r.exam.form.clone();
                                        let proctored = r.exam.proctored;
                                        // The candidate's name and grade on their first attempt's row.
                                        let first = i == 0 || r.candidates[i - 1].student_id != c.student_id;
                                        let grade = crate::exam::pages::list::grade_text(c.grade);
                                        view! {
                                        <tr data-testid="result-row">
                                            <td>{first.then(|| c.student_name.clone())}</td>
                                            <td data-testid="final-grade">{first.then_some(grade)}</td>
                                            <td>{c.attempt_no}</td>
                                            <td>{format_datetime(c.started_at)}</td>
                                            <td>{c.submitted_at.map(format_datetime)}</td>
                                            <td>{score_text(c.score, c.max_points)}</td>
                                            <td>{c.percent.map(|p| format!("{p}"))}</td>
                                            <td>{c.mark.clone()}</td>
                                            <td>{c.risk}" ("{c.violations}")"
                                                {proctored.then(|| view! { " "<a href=format!("/export/proctor/attempt/{}.pdf", c.attempt_id) rel="external" download>"PDF"</a> })}
                                            </td>
                                            <td>{t(verdict_msg(&c.verdict))}</td>
                                            <td>{(c.submitted_at.is_some() && offline_form != "offline").then(|| view! {
                                                <a href=format!("/exams/attempt/{}/grade", c.attempt_id) class:button=c.needs_grading data-testid="grade-link">
                                                    {t(if c.needs_grading { Msg::GradeAction } else { Msg::GradeTitle })}
                                                </a>
                                            })}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                            <h2>{t(Msg::ItemAnalysis)}</h2>
                            <p class="hint">{t(Msg::ItemAnalysisHint)}</p>
                            <table class="list" data-testid="items">
                                <thead><tr><th>{t(Msg::Topic)}</th><th>{t(Msg::Question)}</th><th>{t(Msg::Answered)}</th><th>{t(Msg::Facility)}</th><th>{t(Msg::Discrimination)}</th></tr></thead>
                                <tbody>
                                    {r.items.into_iter().map(|i| view! {
                                        <tr>
                                            <td>{i.topic.clone()}</td>
                                            <td>{i.text.clone()}</td>
                                            <td>{i.answered}</td>
                                            <td>{i.facility.map(|f| format!("{f}"))}</td>
                                            <td>{i.discrimination.map(|d| format!("{d}"))}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                })}
            </Transition>
            <super::regrade::RegradeSection exam_id=exam_id/>
            <crate::exam::schedule::ScheduleSection exam_id=exam_id/>
            <crate::exam::extensions::RunningAttemptsSection exam_id=exam_id/>
            <crate::exam::accommodations::AccommodationsSection exam_id=exam_id/>
        </section>
    }
}

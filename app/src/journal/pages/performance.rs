//! Performance by specialty from attestation days and exams (JRN-6): a table and a chart.

use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Locale, Msg};
use crate::journal::api::report_performance;
use crate::journal::dto::PerformanceRow;
use crate::journal::model::format_2dp;
use crate::ui::{ErrorNote, FormStatus};
use leptos::prelude::*;

#[component]
pub fn PerformancePage() -> impl IntoView {
    view! { <RequireUser><Performance/></RequireUser> }
}

/// The academic year so far: 1 September to today's date (in Kazakhstan).
fn default_period() -> (String, String) {
    let today = crate::journal::semester::Date::from_epoch_ms(now_ms());
    let s = today.to_string();
    let (y, m) = (s[..4].parse::<i64>().unwrap_or(2026), s[5..7].parse::<u32>().unwrap_or(9));
    let start_year = if m >= 9 { y } else { y - 1 };
    (format!("{start_year}-09-01"), s)
}

fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys_now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
    }
}

#[cfg(feature = "hydrate")]
fn js_sys_now() -> i64 {
    leptos::web_sys::window().and_then(|w| w.performance()).map(|p| (p.time_origin() + p.now()) as i64).unwrap_or(0)
}

#[component]
fn Performance() -> impl IntoView {
    let locale = use_locale();
    let (from0, to0) = default_period();
    let from = RwSignal::new(from0);
    let to = RwSignal::new(to0);
    let period = RwSignal::new((from.get_untracked(), to.get_untracked()));
    let report = Resource::new(move || period.get(), |(f, t)| report_performance(f, t));
    let error = Signal::derive(move || report.get().and_then(|r| r.err()));
    view! {
        <section class="card wide">
            <h1>{t(Msg::PerformanceReport)}</h1>
            <p class="hint">{t(Msg::PerformanceHint)}</p>
            <p><a rel="external" download href=move || format!("/export/namebook.xlsx?lang={}", locale.get().code())>{t(Msg::NameBook)}" (XLSX)"</a></p>
            <form class="row-form" on:submit=move |ev| { ev.prevent_default(); period.set((from.get_untracked(), to.get_untracked())); }>
                <label>{t(Msg::From)}<input type="date" name="from" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/></label>
                <label>{t(Msg::To)}<input type="date" name="to" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/></label>
                <button type="submit" class="primary">{t(Msg::Show)}</button>
                <a class="button" data-testid="export-xlsx" rel="external" download
                    href=move || format!("/export/report/performance.xlsx?from={}&to={}&lang={}", from.get(), to.get(), locale.get().code())>
                    {t(Msg::ExportXlsx)}
                </a>
                <a class="button" rel="external" target="_blank"
                    href=move || format!("/export/report/performance.pdf?from={}&to={}&lang={}", from.get(), to.get(), locale.get().code())>
                    {t(Msg::ExportPdf)}
                </a>
            </form>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || report.get().map(|r| match r {
                    Err(crate::error::AppError::Invalid(_)) => view! { <FormStatus error=error/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(rep) if rep.rows.is_empty() => view! { <p class="muted" data-testid="perf-empty">{t(Msg::NoAttestations)}</p> }.into_any(),
                    Ok(rep) => view! {
                        <PerfTable rows=rep.rows.clone()/>
                        <PerfChart rows=rep.rows/>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

pub fn pct(x: Option<f64>, l: Locale) -> String {
    x.map(|v| format!("{}%", format_2dp(v, l))).unwrap_or_else(|| "—".into())
}

#[component]
fn PerfTable(rows: Vec<PerformanceRow>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="scroll"><table class="list perf" data-testid="performance">
            <thead><tr>
                <th>{t(Msg::Specialty)}</th><th>{t(Msg::Group)}</th><th>{t(Msg::Students)}</th>
                <th>"5"</th><th>"4"</th><th>"3"</th><th>"2"</th><th>{t(Msg::NotAttested)}</th>
                <th>{t(Msg::QualityPercent)}</th><th>{t(Msg::SuccessPercent)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let total = r.group.is_empty();
                    let c = r.counts;
                    view! {
                        <tr class:total=total>
                            <td>{r.specialty.clone()}</td>
                            <td>{let group = r.group.clone(); move || if total { Msg::Total.text(locale.get()).to_string() } else { group.clone() }}</td>
                            <td class="num">{r.students}</td>
                            <td class="num">{c.five}</td><td class="num">{c.four}</td><td class="num">{c.three}</td><td class="num">{c.two}</td>
                            <td class="num">{r.not_attested}</td>
                            <td class="num">{move || pct(c.quality_percent(), locale.get())}</td>
                            <td class="num">{move || pct(c.success_percent(), locale.get())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// Horizontal stacked bars: the shares of 5, 4, 3 and 2 in each group.
#[component]
fn PerfChart(rows: Vec<PerformanceRow>) -> impl IntoView {
    let groups: Vec<PerformanceRow> = rows.into_iter().filter(|r| !r.group.is_empty() && r.counts.total() > 0).collect();
    let height = 28 * groups.len() + 30;
    let colors = [("five", 5u8), ("four", 4), ("three", 3), ("two", 2)];
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 640 {height}") role="img" aria-label=t(Msg::PerformanceReport) width="100%">
                {groups.into_iter().enumerate().map(|(i, r)| {
                    let y = 28 * i;
                    let mut x = 160.0;
                    let bars = colors.iter().map(|(class, v)| {
                        let w = r.counts.share_percent(*v).unwrap_or(0.0) * 4.6;
                        let rect = view! { <rect class=*class x=x y=y + 4 width=w height="20"/> };
                        x += w;
                        rect
                    }).collect_view();
                    view! {
                        <text x="0" y=y + 19 class="label">{r.group.clone()}</text>
                        {bars}
                    }
                }).collect_view()}
            </svg>
            <figcaption class="legend">
                <span class="sw five"></span>"5 "<span class="sw four"></span>"4 "<span class="sw three"></span>"3 "<span class="sw two"></span>"2"
            </figcaption>
        </figure>
    }
}

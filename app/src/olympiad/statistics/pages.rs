//! The statistics page (OLY-7), `/olympiad/statistics?campaign=…&level=…&region=…&subject=…`:
//! a filter form (a plain GET form, so every view has its own address to share), a table
//! with a bar of started and finished per row, the distribution of scores as bars, and the
//! export of the same table. It refreshes itself every 30 seconds while stage 1 runs.
//!
//! Bars are SVG rectangles: the page's Content-Security-Policy allows no inline styles.

use super::figures::*;
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::time::format_datetime;
use crate::ui::ErrorNote;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Seconds between refreshes of the live figures.
const REFRESH_S: u32 = 30;

#[component]
pub fn StatisticsPage() -> impl IntoView {
    view! { <RequireUser><StatisticsView/></RequireUser> }
}

fn points(hundredths: i64) -> String {
    crate::olympiad::results::file::format_points(hundredths)
}

#[component]
fn StatisticsView() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| StatsQuery {
            campaign_id: p.get("campaign").and_then(|v| v.parse().ok()).unwrap_or(0),
            level: p.get("level").and_then(|v| Level::from_code(&v)).unwrap_or_default(),
            region_id: p.get("region").and_then(|v| v.parse().ok()).unwrap_or(0),
            subject: p.get("subject").unwrap_or_default(),
        })
    });
    // Bumped every REFRESH_S seconds in the browser: the resource fetches the figures again.
    let tick = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(move || tick.update(|n| *n += 1), std::time::Duration::from_secs(REFRESH_S.into())).ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    let stats = Resource::new(
        move || (query.get(), tick.get()),
        |(q, _)| olympiad_statistics(q.campaign_id, q.level.code().to_string(), q.region_id, q.subject),
    );
    view! {
        <section class="card wide" data-testid="olympiad-statistics">
            <p><a href="/olympiad/operator">{t(Msg::OlyOperator)}</a></p>
            <h1>{t(Msg::OlyStatistics)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || stats.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(s) => {
                        let q = query.get_untracked();
                        view! { <Figures s=s q=q/> }.into_any()
                    }
                })}
            </Transition>
            <p class="hint">{move || Msg::OlyStatRefresh.text(locale.get()).replace("{n}", &REFRESH_S.to_string())}</p>
        </section>
    }
}

#[component]
fn Figures(s: Statistics, q: StatsQuery) -> impl IntoView {
    let locale = use_locale();
    let label = move |m: Msg| move || m.text(locale.get());
    let export = |ext: &str| {
        let mut url = format!("/export/olympiad/statistics/{}.{ext}?level={}&region={}", q.campaign_id, q.level.code(), q.region_id);
        if !q.subject.is_empty() {
            url.push_str("&subject=");
            url.push_str(&crate::ui::url_encode(&q.subject));
        }
        url
    };
    let (xlsx, csv) = (export("xlsx"), export("csv"));
    let most = s.rows.iter().map(|r| r.registered).max().unwrap_or(0).max(1);
    let tallest = s.bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let level = q.level;
    let at = s.at;
    view! {
        <h2>{s.campaign.clone()}</h2>
        <form method="get" action="/olympiad/statistics" class="row-form" data-testid="stat-filters">
            <input type="hidden" name="campaign" value=q.campaign_id/>
            <label>{t(Msg::OlyStatLevel)}
                <select name="level">
                    {[Level::Region, Level::District, Level::School, Level::Grade].into_iter().map(|l| view! {
                        <option value=l.code() selected=l == q.level>{t(l.msg())}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{t(Msg::OlyRegion)}
                <select name="region">
                    <option value="0">{t(Msg::OlyAllRegions)}</option>
                    {s.regions.iter().map(|(id, name)| view! { <option value=*id selected=*id == q.region_id>{name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>{t(Msg::OlySubject)}
                <select name="subject">
                    <option value="">{t(Msg::OlyAllSubjects)}</option>
                    {s.subjects.iter().map(|name| view! { <option value=name.clone() selected=*name == q.subject>{name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit">{t(Msg::OlyShow)}</button>
        </form>
        <p class="muted">{move || Msg::OlyStatAt.text(locale.get()).replace("{time}", &format_datetime(at))}
            " · "<a href=xlsx rel="external" download>"XLSX"</a>" · "<a href=csv rel="external" download>"CSV"</a></p>
        <table class="list" data-testid="stat-rows">
            <thead><tr>
                <th>{t(level.msg())}</th><th>{t(Msg::OlyRegistered)}</th><th>{t(Msg::OlyStarted)}</th><th>{t(Msg::OlyFinished)}</th>
                <th>{t(Msg::OlyCountResults)}</th><th>{t(Msg::OlyMeanScore)}</th><th>{t(Msg::OlyStatViolations)}</th><th></th>
            </tr></thead>
            <tbody>
                {s.rows.iter().cloned().chain(std::iter::once(StatRow { name: String::new(), ..s.total.clone() })).enumerate().map(|(i, r)| {
                    let total = i == s.rows.len();
                    let name = if total { view! { <strong>{t(Msg::Total)}</strong> }.into_any() } else { view! { {r.name.clone()} }.into_any() };
                    // Bars: registered (light), started, finished, on one scale for all rows.
                    let scale = if total { r.registered.max(1) } else { most };
                    let w = |n: i64| format!("{:.1}", n as f64 * 100.0 / scale as f64);
                    view! {
                        <tr class:total=total data-testid="stat-row">
                            <td data-label=label(level.msg())>{name}</td>
                            <td data-label=label(Msg::OlyRegistered)>{r.registered}</td>
                            <td data-label=label(Msg::OlyStarted)>{r.started}</td>
                            <td data-label=label(Msg::OlyFinished)>{r.finished}</td>
                            <td data-label=label(Msg::OlyCountResults)>{r.results}</td>
                            <td data-label=label(Msg::OlyMeanScore)>{r.mean.map(points).unwrap_or_else(|| "—".into())}</td>
                            <td data-label=label(Msg::OlyStatViolations)>{r.violations}</td>
                            <td class="bar-cell" aria-hidden="true">
                                <svg class="bars" viewBox="0 0 100 12" preserveAspectRatio="none">
                                    <rect class="registered" x="0" y="0" height="12" width=w(r.registered)/>
                                    <rect class="started" x="0" y="2" height="8" width=w(r.started)/>
                                    <rect class="finished" x="0" y="4" height="4" width=w(r.finished)/>
                                </svg>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <p class="legend muted" aria-hidden="true">
            <span class="swatch registered"></span>{t(Msg::OlyRegistered)}" "
            <span class="swatch started"></span>{t(Msg::OlyStarted)}" "
            <span class="swatch finished"></span>{t(Msg::OlyFinished)}
        </p>
        <h3>{t(Msg::OlyDistribution)}</h3>
        {if s.bins.is_empty() {
            view! { <p class="muted">{t(Msg::OlyNoScoresYet)}</p> }.into_any()
        } else {
            view! {
                <table class="list distribution" data-testid="stat-distribution">
                    <thead><tr><th>{t(Msg::OlyScore)}</th><th>{t(Msg::OlyCountResults)}</th><th></th></tr></thead>
                    <tbody>
                        {s.bins.iter().map(|b| {
                            let w = format!("{:.1}", b.count as f64 * 100.0 / tallest as f64);
                            view! {
                                <tr data-testid="stat-bin">
                                    <td data-label=label(Msg::OlyScore)>{format!("{} – {}", points(b.from), points(b.to))}</td>
                                    <td data-label=label(Msg::OlyCountResults)>{b.count}</td>
                                    <td class="bar-cell" aria-hidden="true">
                                        <svg class="bars" viewBox="0 0 100 12" preserveAspectRatio="none">
                                            <rect class="finished" x="0" y="1" height="10" width=w/>
                                        </svg>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

//! Olympiad pages of results: the public winners' list (OLY-7) and certificate check (OLY-6),
//! the holder's own certificates, and the operator's results section of each campaign (export,
//! import with a preview, compute winners, publish, issue certificates). One column on a
//! phone: tables become cards (no sideways scroll at 360 px, OLY-10).

use super::api::*;
use super::file::*;
use super::ranking::WinnerRule;
use crate::auth::shell::RequireUser;
use crate::error::AppError;
use crate::i18n::{t, use_locale, Locale, Msg};
use crate::journal::semester::Date;
use crate::ui::two_step_import::{ImportErrors, ImportOutcome, TwoStepImport};
use crate::ui::{action_error, ErrorNote, FormStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn day(ms: i64) -> String {
    Date::from_epoch_ms(ms).dotted()
}

fn grade_and_subject(grade: i64, subject: &str, l: Locale) -> String {
    format!("{} · {subject}", Msg::OlyGradeN.text(l).replace("{n}", &grade.to_string()))
}

/// Public: the winners of every published campaign, by grade and subject, with a search by
/// name, school or region.
#[component]
pub fn WinnersPage() -> impl IntoView {
    let locale = use_locale();
    let query = RwSignal::new(String::new());
    let winners = Resource::new(move || query.get(), public_winners);
    view! {
        <section class="card wide" data-testid="olympiad-winners">
            <h1>{t(Msg::OlyWinners)}</h1>
            <p><a href="/olympiad/placement" data-testid="placement-lookup-link">{t(Msg::OlyPlacementLookup)}</a></p>
            <div class="field">
                <label for="f-winner-search">{t(Msg::Search)}</label>
                <input id="f-winner-search" type="search" autocomplete="off"
                    placeholder=move || Msg::OlyWinnersSearchHint.text(locale.get())
                    on:input=move |ev| query.set(event_target_value(&ev))/>
            </div>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || winners.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::OlyNoPublished)}</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|c| view! { <CampaignWinners c=c/> }).collect_view().into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CampaignWinners(c: PublishedCampaign) -> impl IntoView {
    let locale = use_locale();
    // Consecutive winners of one grade and subject form a list (the server sorts them so).
    let mut groups: Vec<(i64, String, Vec<PublicWinner>)> = Vec::new();
    for w in c.winners {
        match groups.last_mut() {
            Some((g, s, list)) if *g == w.grade && *s == w.subject => list.push(w),
            _ => groups.push((w.grade, w.subject.clone(), vec![w])),
        }
    }
    let published = day(c.published_at);
    view! {
        <article class="card" data-testid="published-campaign">
            <h2>{c.title.clone()}</h2>
            <p class="muted">{move || Msg::OlyPublishedOn.text(locale.get()).replace("{date}", &published)}</p>
            {groups.is_empty().then(|| view! { <p class="muted">{t(Msg::OlyNoWinnersFound)}</p> })}
            {groups.into_iter().map(|(grade, subject, list)| {
                let heading = subject.clone();
                view! {
                    <h3>{move || grade_and_subject(grade, &heading, locale.get())}</h3>
                    <table class="list winners">
                        <thead><tr>
                            <th>{t(Msg::OlyPlace)}</th><th>{t(Msg::FullName)}</th><th>{t(Msg::OlySchool)}</th>
                            <th>{t(Msg::OlyRegion)}</th><th>{t(Msg::OlyScore)}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|w| view! {
                                <tr data-testid="winner">
                                    <td data-label=move || Msg::OlyPlace.text(locale.get())>{w.place}</td>
                                    <td data-label=move || Msg::FullName.text(locale.get())>{w.full_name}</td>
                                    <td data-label=move || Msg::OlySchool.text(locale.get())>{w.school}</td>
                                    <td data-label=move || Msg::OlyRegion.text(locale.get())>{w.region}</td>
                                    <td data-label=move || Msg::OlyScore.text(locale.get())>{format_points(w.score)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            }).collect_view()}
        </article>
    }
}

/// Public: the page a certificate's QR code opens.
#[component]
pub fn CertificateCheckPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").unwrap_or_default());
    let result = Resource::new(number, verify_olympiad_certificate);
    view! {
        <section class="card narrow" data-testid="olympiad-certificate-check">
            <h1>{t(Msg::OlyCertCheck)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || result.get().map(|r| match r {
                    Ok(Some(c)) => {
                        let kind = c.kind.msg();
                        let status = match c.withdrawn_at {
                            None => view! { <p class="banner ok" role="status" data-testid="certificate-valid">{t(Msg::OlyCertGenuine)}</p> }.into_any(),
                            Some(at) => view! {
                                <p class="banner error" role="alert" data-testid="certificate-withdrawn">
                                    {move || Msg::OlyCertWithdrawn.text(locale.get()).replace("{date}", &day(at))}
                                </p>
                            }.into_any(),
                        };
                        view! {
                            {status}
                            <dl class="facts">
                                <dt>{t(Msg::OlyCertNumber)}</dt><dd><code>{c.number.clone()}</code></dd>
                                <dt>{t(Msg::FullName)}</dt><dd>{c.full_name.clone()}</dd>
                                <dt>{t(Msg::OlyCampaign)}</dt><dd>{c.campaign.clone()}</dd>
                                <dt>{t(Msg::Kind)}</dt><dd>{t(kind)}</dd>
                                {c.subject.clone().map(|s| view! { <dt>{t(Msg::OlySubject)}</dt><dd>{s}</dd> })}
                                <dt>{t(Msg::OlyCertIssued)}</dt><dd>{day(c.issued_at)}</dd>
                            </dl>
                        }.into_any()
                    }
                    Ok(None) => {
                        let typed = number();
                        view! {
                            <p class="banner error" role="alert" data-testid="certificate-unknown">
                                {move || Msg::OlyCertUnknown.text(locale.get()).replace("{number}", &typed)}
                            </p>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The signed-in person's olympiad certificates, each a PDF.
#[component]
pub fn MyCertificatesPage() -> impl IntoView {
    view! {
        <RequireUser>
            <MyCertificates/>
        </RequireUser>
    }
}

#[component]
fn MyCertificates() -> impl IntoView {
    let locale = use_locale();
    let mine = Resource::new(|| (), |_| my_olympiad_certificates());
    view! {
        <section class="card" data-testid="my-olympiad-certificates">
            <h1>{t(Msg::OlyMyCertificates)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || mine.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::OlyNoCertificates)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list">
                            <thead><tr>
                                <th>{t(Msg::OlyCampaign)}</th><th>{t(Msg::Kind)}</th><th>{t(Msg::OlyCertNumber)}</th>
                                <th>{t(Msg::OlyCertIssued)}</th><th></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| {
                                    let kind = c.kind.msg();
                                    let subject = c.subject.clone().map(|s| format!(" · {s}")).unwrap_or_default();
                                    view! {
                                        <tr data-testid="my-certificate">
                                            <td data-label=move || Msg::OlyCampaign.text(locale.get())>{c.campaign.clone()}</td>
                                            <td data-label=move || Msg::Kind.text(locale.get())>{t(kind)}{subject}
                                                {c.withdrawn_at.map(|at| view! {
                                                    <br/><small class="error" data-testid="certificate-withdrawn">
                                                        {move || Msg::OlyCertWithdrawn.text(locale.get()).replace("{date}", &day(at))}
                                                    </small>
                                                })}
                                            </td>
                                            <td data-label=move || Msg::OlyCertNumber.text(locale.get())>
                                                <a href=format!("/olympiad/certificate/{}", c.number) data-testid="certificate-number"><code>{c.number.clone()}</code></a>
                                            </td>
                                            <td data-label=move || Msg::OlyCertIssued.text(locale.get())>{day(c.issued_at)}</td>
                                            <td><a href=format!("/export/olympiad/certificate/{}.pdf", c.number) rel="external" download>"PDF"</a></td>
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

fn rule_text(rule: WinnerRule, l: Locale) -> String {
    match rule {
        WinnerRule::Threshold(min) => Msg::OlyRuleThresholdIs.text(l).replace("{points}", &format_points(min)),
        WinnerRule::QuotaPerRegion(n) => Msg::OlyRuleQuotaIs.text(l).replace("{n}", &n.to_string()),
    }
}

fn imported_text(r: &ResultsImport, l: Locale) -> String {
    let counts = Msg::OlyImportCounts
        .text(l)
        .replace("{added}", &r.added.to_string())
        .replace("{changed}", &r.changed.to_string())
        .replace("{unchanged}", &r.unchanged.to_string());
    let head = if r.dry_run { Msg::OlyImportPreview } else { Msg::OlyImportApplied };
    let reranked = if r.reranked { format!(" {}", Msg::OlyImportReranked.text(l)) } else { String::new() };
    format!("{} {counts}{reranked}", head.text(l))
}

fn values_text(v: Option<ResultValues>, l: Locale) -> String {
    match v {
        None => "—".to_string(),
        Some(v) if v.annulled => format!("{} ({})", format_points(v.score), Msg::OlyAnnulled.text(l)),
        Some(v) => format_points(v.score),
    }
}

fn result_column(name: &str) -> Option<Msg> {
    Some(match name {
        "iin" => Msg::Iin,
        "subject" => Msg::OlySubject,
        "score" => Msg::OlyScore,
        "violations" => Msg::OlyViolations,
        "time_used" => Msg::OlyTimeUsedSeconds,
        "annulled" => Msg::OlyAnnulled,
        _ => return None,
    })
}

/// The operator's results section of one campaign: counts, the results file out and in (a
/// preview first, then the same file applied), winners, publication and certificates. It
/// loads its own counts, so an action's answer stays on screen while they reload.
#[component]
pub fn CampaignResults(campaign_id: i64) -> impl IntoView {
    let locale = use_locale();
    let compute = ServerAction::<ComputeWinners>::new();
    let publish = ServerAction::<PublishResults>::new();
    let issue = ServerAction::<IssueCertificates>::new();
    let imported = RwSignal::new(0u32);
    // Loaded in the browser only, by an effect after hydration: these sections are created
    // inside the operator page's own resource, once per campaign. A server-serialised resource
    // created there now and then got another id on the server than in the browser, and a
    // local resource under <Transition> there broke hydration every time (both seen in the
    // language checks). Without a resource the server and the first browser render agree:
    // "Loading…", then the counts, fetched again after every action.
    let standing: RwSignal<Option<Result<Standing, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let _ = (imported.get(), compute.version().get(), publish.version().get(), issue.version().get());
        leptos::task::spawn_local(async move {
            let r = campaign_standing(campaign_id).await;
            let _ = standing.try_set(Some(r));
        });
    });
    let compute_error = action_error(compute);
    view! {
        <section class="results" data-testid="campaign-results">
            <h4>{t(Msg::OlyResultsSection)}</h4>
            {move || match standing.get() {
                None => view! { <p class="muted">{t(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(s)) => view! { <StandingFacts s=s/> }.into_any(),
            }}
            <p>
                {t(Msg::OlyResultsFile)}": "
                <a href=format!("/export/olympiad/results/{campaign_id}.xlsx") rel="external" download>"XLSX"</a>" · "
                <a href=format!("/export/olympiad/results/{campaign_id}.csv") rel="external" download>"CSV"</a>
            </p>
            <ResultsImportForm campaign_id=campaign_id imported=imported/>
            <ActionForm action=compute attr:class="row-form" attr:data-testid="compute-winners">
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <label>{t(Msg::OlyRule)}
                    <select name="rule">
                        <option value="quota">{t(Msg::OlyRuleQuota)}</option>
                        <option value="threshold">{t(Msg::OlyRuleThreshold)}</option>
                    </select>
                </label>
                <label>{t(Msg::OlyRuleValue)}<input name="value" inputmode="decimal" required/></label>
                <button type="submit" disabled=move || compute.pending().get()>{t(Msg::OlyComputeWinners)}</button>
            </ActionForm>
            <FormStatus error=compute_error/>
            {move || match compute_error.get() {
                Some(AppError::Invalid(list)) => list.into_iter().map(|e| view! { <p class="error">{move || e.msg.text(locale.get())}</p> }).collect_view().into_any(),
                _ => ().into_any(),
            }}
            {move || compute.value().get().and_then(|r| r.ok()).map(|r| view! {
                <p class="banner ok" role="status">{move || Msg::OlyWinnersComputed.text(locale.get())
                    .replace("{ranked}", &r.ranked.to_string()).replace("{winners}", &r.winners.to_string()).replace("{annulled}", &r.annulled.to_string())}</p>
            })}
            <div class="row-form">
                <ActionForm action=publish attr:class="inline">
                    <input type="hidden" name="campaign_id" value=campaign_id/>
                    <button type="submit" disabled=move || publish.pending().get()>{t(Msg::OlyPublish)}</button>
                </ActionForm>
                <ActionForm action=issue attr:class="inline">
                    <input type="hidden" name="campaign_id" value=campaign_id/>
                    <button type="submit" disabled=move || issue.pending().get()>{t(Msg::OlyIssueCertificates)}</button>
                </ActionForm>
            </div>
            <FormStatus error=action_error(publish)/>
            <FormStatus error=action_error(issue)/>
            // A plain GET form: the answer is a PDF download, and the route reads the number.
            <form method="get" action="/export/olympiad/certificate.pdf" class="row-form" data-testid="certificate-lookup">
                <label class="grow">{t(Msg::OlyCertNumber)}<input name="number" required autocomplete="off" placeholder="2027-000001-ABCDEF"/></label>
                <button type="submit">{t(Msg::OlyCertDownload)}</button>
            </form>
            {move || issue.value().get().and_then(|r| r.ok()).map(|r| view! {
                <p class="banner ok" role="status">{move || Msg::OlyCertificatesIssued.text(locale.get())
                    .replace("{participation}", &r.participation.to_string()).replace("{winner}", &r.winner.to_string())}</p>
            })}
        </section>
    }
}

#[component]
fn StandingFacts(s: Standing) -> impl IntoView {
    let locale = use_locale();
    let counts = [
        (Msg::OlyCountParticipants, s.participants),
        (Msg::OlyCountResults, s.results),
        (Msg::OlyCountAnnulled, s.annulled),
        (Msg::OlyCountWinners, s.winners),
        (Msg::OlyCountCertificates, s.certificates),
    ];
    let (rule, ranked_at, published_at) = (s.rule, s.ranked_at, s.published_at);
    view! {
        <dl class="facts" data-testid="result-counts">
            {counts.into_iter().map(|(label, n)| view! { <dt>{t(label)}</dt><dd>{n}</dd> }).collect_view()}
            <dt>{t(Msg::OlyRule)}</dt>
            <dd>{move || match (rule, ranked_at) {
                (Some(r), Some(at)) => format!("{} · {}", rule_text(r, locale.get()), Msg::OlyRankedOn.text(locale.get()).replace("{date}", &day(at))),
                _ => Msg::OlyNotRanked.text(locale.get()).to_string(),
            }}</dd>
            <dt>{t(Msg::OlyPublication)}</dt>
            <dd>{move || match published_at {
                Some(at) => Msg::OlyPublishedOn.text(locale.get()).replace("{date}", &day(at)),
                None => Msg::OlyNotPublished.text(locale.get()).to_string(),
            }}</dd>
        </dl>
    }
}

/// The results upload, in two steps (`ui::TwoStepImport`): a preview, then "Apply" writes the
/// same file.
#[component]
fn ResultsImportForm(campaign_id: i64, imported: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let result: RwSignal<Option<Result<ResultsImport, AppError>>> = RwSignal::new(None);
    view! {
        <TwoStepImport send=import_results result=result imported=imported apply=Msg::OlyApply testid="results-import">
            <input type="hidden" name="campaign_id" value=campaign_id/>
            <label class="grow">{t(Msg::OlyResultsUpload)}
                <input type="file" name="file" accept=".xlsx,.csv" required/>
            </label>
        </TwoStepImport>
        <p class="hint">{t(Msg::OlyResultsFormat)}</p>
        {move || result.get().map(|r| match r {
            Ok(report) => {
                let summary = report.clone();
                view! {
                    <p class="banner ok" role="status" data-testid="results-import-report">{move || imported_text(&summary, locale.get())}</p>
                    {(!report.changes.is_empty()).then(|| view! {
                        <table class="list" data-testid="results-changes">
                            <thead><tr>
                                <th>{t(Msg::OlyRow)}</th><th>{t(Msg::FullName)}</th><th>{t(Msg::OlySubject)}</th>
                                <th>{t(Msg::OlyBefore)}</th><th>{t(Msg::OlyAfter)}</th>
                            </tr></thead>
                            <tbody>
                                {report.changes.into_iter().map(|c| view! {
                                    <tr>
                                        <td data-label=move || Msg::OlyRow.text(locale.get())>{c.row}</td>
                                        <td data-label=move || Msg::FullName.text(locale.get())>{c.full_name}</td>
                                        <td data-label=move || Msg::OlySubject.text(locale.get())>{c.subject}</td>
                                        <td data-label=move || Msg::OlyBefore.text(locale.get())>{move || values_text(c.before, locale.get())}</td>
                                        <td data-label=move || Msg::OlyAfter.text(locale.get())>{move || values_text(Some(c.after), locale.get())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                }.into_any()
            }
            Err(AppError::Invalid(errors)) => view! { <ImportErrors errors=errors column=result_column testid="results-errors"/> }.into_any(),
            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
        })}
    }
}

impl ImportOutcome for ResultsImport {
    fn dry_run(&self) -> bool {
        self.dry_run
    }
    fn changes(&self) -> u32 {
        (self.added + self.changed) as u32
    }
}

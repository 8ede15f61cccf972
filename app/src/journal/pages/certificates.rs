//! Certificates: the student's requests, the office's queue, and the public check page the QR
//! code opens.

use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::journal::certificates::{
    certificate_queue, my_certificates, verify_certificate, CertificateRow, DecideCertificate, RequestCertificate,
};
use crate::ui::{action_error, action_ok, time::format_datetime, ErrorNote, Field, FormStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn status_msg(s: &str) -> Msg {
    match s {
        "issued" => Msg::CertStatusIssued,
        "rejected" => Msg::CertStatusRejected,
        _ => Msg::CertStatusRequested,
    }
}

#[component]
pub fn MyCertificatesPage() -> impl IntoView {
    view! { <RequireUser><MyCertificates/></RequireUser> }
}

#[component]
fn MyCertificates() -> impl IntoView {
    let request = ServerAction::<RequestCertificate>::new();
    let error = action_error(request);
    let list = Resource::new(move || request.version().get(), |_| my_certificates());
    let user = crate::auth::shell::use_user();
    view! {
        <div class="grid two">
            <section class="card">
                <h1>{t(Msg::MyCertificates)}</h1>
                <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                    {move || list.get().map(|r| match r {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(rows) => view! { <CertTable rows=rows office=false/> }.into_any(),
                    })}
                </Transition>
                <h2>{t(Msg::Transcript)}</h2>
                <Transition fallback=|| ()>
                    {move || user.0.get().and_then(|r| r.ok()).flatten().map(|u| view! {
                        <p class="actions">
                            <a class="button" rel="external" target="_blank" href=format!("/export/transcript/{}.pdf?lang=kk", u.id)>{t(Msg::Transcript)}" (қаз.)"</a>
                            <a class="button" rel="external" target="_blank" href=format!("/export/transcript/{}.pdf?lang=ru", u.id)>{t(Msg::Transcript)}" (рус.)"</a>
                            <a class="button" rel="external" target="_blank" href=format!("/export/transcript/{}.pdf?supplement=1", u.id)>{t(Msg::DiplomaSupplementDraft)}</a>
                        </p>
                    })}
                </Transition>
            </section>
            <section class="card">
                <h2>{t(Msg::RequestCertificate)}</h2>
                <ActionForm action=request>
                    <FormStatus error=error ok=(action_ok(request), Msg::CertificateRequested)/>
                    <Field label=Msg::Purpose name="purpose" hint=Msg::PurposeHint error=error required=true/>
                    <button type="submit" class="primary">{t(Msg::RequestCertificate)}</button>
                </ActionForm>
            </section>
        </div>
    }
}

#[component]
fn CertTable(rows: Vec<CertificateRow>, office: bool) -> impl IntoView {
    let decide = use_context::<ServerAction<DecideCertificate>>();
    view! {
        <table class="list" data-testid="certificates">
            <thead><tr>
                <th>{t(Msg::Requested)}</th>
                {office.then(|| view! { <th>{t(Msg::Student)}</th> })}
                <th>{t(Msg::Purpose)}</th><th>{t(Msg::Status)}</th><th>{t(Msg::Number)}</th><th></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|c| {
                    let issued = c.status == "issued";
                    let requested = c.status == "requested";
                    let id = c.id;
                    view! {
                        <tr>
                            <td>{format_datetime(c.requested_at)}</td>
                            {office.then(|| view! { <td>{c.student_name.clone()}<br/><small class="muted">{c.group_name.clone()}</small></td> })}
                            <td>{c.purpose.clone()}</td>
                            <td>{t(status_msg(&c.status))}</td>
                            <td>{c.number.clone().unwrap_or_default()}</td>
                            <td>
                                {issued.then(|| view! { <a rel="external" target="_blank" href=format!("/export/certificate/{id}.pdf")>{t(Msg::OpenPdf)}</a> })}
                                {(office && requested).then(|| decide.map(|decide| view! {
                                    <ActionForm action=decide attr:class="inline">
                                        <input type="hidden" name="id" value=id/>
                                        <button type="submit" name="issue" value="true" class="primary">{t(Msg::Issue)}</button>
                                        <button type="submit" name="issue" value="false">{t(Msg::Reject)}</button>
                                    </ActionForm>
                                }))}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn CertificateQueuePage() -> impl IntoView {
    view! { <RequireUser><CertificateQueue/></RequireUser> }
}

#[component]
fn CertificateQueue() -> impl IntoView {
    let decide = ServerAction::<DecideCertificate>::new();
    provide_context(decide);
    let error = action_error(decide);
    let list = Resource::new(move || decide.version().get(), |_| certificate_queue());
    view! {
        <section class="card wide">
            <h1>{t(Msg::Certificates)}</h1>
            <FormStatus error=error/>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(rows) => view! { <CertTable rows=rows office=true/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The page behind a certificate's QR code; open to anyone.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let result = Resource::new(code, verify_certificate);
    let locale = use_locale();
    view! {
        <section class="card narrow">
            <h1>{t(Msg::VerifyTitle)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || result.get().map(|r| match r {
                    Ok(v) => {
                        let org = v.org_name.clone();
                        view! {
                            <p class="banner ok" data-testid="verify-ok">{move || Msg::VerifyValid.text(locale.get()).replace("{org}", &org)}</p>
                            <dl class="facts">
                                <dt>{t(Msg::Number)}</dt><dd>{v.number.clone()}</dd>
                                <dt>{t(Msg::Student)}</dt><dd>{v.student_name.clone()}</dd>
                                <dt>{t(Msg::Group)}</dt><dd>{v.group_name.clone()}</dd>
                                <dt>{t(Msg::IssuedOn)}</dt><dd>{format_datetime(v.issued_at)}</dd>
                            </dl>
                        }.into_any()
                    }
                    Err(_) => view! { <p class="banner error" data-testid="verify-bad">{t(Msg::VerifyInvalid)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

//! The home page: for guests what the platform is; for a signed-in user, their roles and a
//! tile for each thing they may do.

use crate::auth::model::Permission;
use crate::auth::shell::use_user;
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_user();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || user.0.get().map(|u| match u {
                Ok(Some(u)) => {
                    let tiles = tiles(&u);
                    view! {
                        <section class="hero">
                            <h1>{t(Msg::Welcome)}", "{u.full_name.clone()}</h1>
                        </section>
                        <section class="card">
                            <h2>{t(Msg::YourRoles)}</h2>
                            {if u.grants.is_empty() {
                                view! { <p class="muted">{t(Msg::NoRolesYet)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="chips" data-testid="roles">
                                        {u.grants.iter().map(|g| {
                                            let org = g.org_name.clone();
                                            let role = g.role;
                                            view! { <li class="chip"><strong>{t(role.msg())}</strong><span>{org}</span></li> }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                        <h2>{t(Msg::WhatYouCanDo)}</h2>
                        <div class="tiles">
                            {tiles.into_iter().map(|(href, title, text)| view! {
                                <A href=href attr:class="tile">
                                    <strong>{t(title)}</strong>
                                    <span>{t(text)}</span>
                                </A>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
                _ => view! {
                    <section class="hero">
                        <h1>{t(Msg::AppName)}</h1>
                        <p class="lead">{t(Msg::Tagline)}</p>
                        <p>{t(Msg::GuestIntro)}</p>
                        <p class="actions">
                            <A href="/login" attr:class="button primary">{t(Msg::SignIn)}</A>
                            <A href="/register" attr:class="button">{t(Msg::Register)}</A>
                        </p>
                        <p><A href="/olympiad/register">{t(Msg::OlyRegisterAsTeacher)}</A>" · "<A href="/olympiad/winners">{t(Msg::OlyWinners)}</A>" · "<A href="/admission/lists">{t(Msg::AdmPublicLists)}</A></p>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

/// What the user may open, from their permissions. Modules that are not built yet are not
/// offered: every tile leads to a working page.
fn tiles(u: &crate::auth::model::SessionUser) -> Vec<(&'static str, Msg, Msg)> {
    let mut tiles = vec![("/profile", Msg::Profile, Msg::TileProfile), ("/inbox", Msg::Inbox, Msg::TileInbox)];
    if u.can(Permission::OrgManage) {
        tiles.push(("/admin/orgs", Msg::Organisations, Msg::TileOrgs));
    }
    if u.can(Permission::UserManage) {
        tiles.push(("/admin/users", Msg::Users, Msg::TileUsers));
    }
    if u.can(Permission::RecordsManage) {
        tiles.push(("/records", Msg::StudentRecords, Msg::TileRecords));
    }
    if u.can(Permission::AdmissionManage) {
        tiles.push(("/admission/committee", Msg::AdmCommittee, Msg::TileAdmissionCommittee));
    }
    if u.can(Permission::AuditRead) {
        tiles.push(("/admin/audit", Msg::AuditLog, Msg::TileAudit));
    }
    if u.can(Permission::JournalKeep) || u.can(Permission::JournalRead) {
        tiles.push(("/journals", Msg::Journals, Msg::TileJournals));
    }
    if u.can(Permission::OlympiadOperate) {
        tiles.push(("/olympiad/operator", Msg::OlyOperator, Msg::TileOlympiad));
    }
    if u.can(Permission::OlympiadAdmit) {
        tiles.push(("/olympiad/applicants", Msg::OlyApplicants, Msg::TileOlympiadApplicants));
    }
    if u.can(Permission::OlympiadRegister) {
        tiles.push(("/olympiad/teacher", Msg::OlyMyPupils, Msg::TileOlympiadTeacher));
    }
    if u.grants.iter().any(|g| g.role == crate::auth::model::Role::OlympiadParticipant) {
        tiles.push(("/olympiad/certificates", Msg::OlyMyCertificates, Msg::TileOlympiadCertificates));
        tiles.push(("/olympiad/apply", Msg::OlyMyApplication, Msg::TileOlympiadApply));
    }
    if u.can(Permission::JournalKeep) || u.can(Permission::OlympiadOperate) || u.grants.iter().any(|g| g.role.sits_exams()) {
        tiles.push(("/exams", Msg::Exams, Msg::TileExams));
    }
    if u.can(Permission::ProctorReview) {
        tiles.push(("/proctor", Msg::ProctorBoard, Msg::TileProctor));
    }
    if u.can(Permission::JournalRead) {
        tiles.push(("/reports/performance", Msg::PerformanceReport, Msg::TilePerformance));
    }
    if u.can(Permission::CertificateIssue) {
        tiles.push(("/certificates", Msg::Certificates, Msg::TileCertificates));
    }
    if u.grants.iter().any(|g| g.role == crate::auth::model::Role::Student) {
        tiles.push(("/my/marks", Msg::MyMarks, Msg::TileMyMarks));
        tiles.push(("/my/assignments", Msg::MyAssignments, Msg::TileMyAssignments));
        tiles.push(("/my/certificates", Msg::MyCertificates, Msg::TileMyCertificates));
    } else {
        // Applicants (a registered account is one) apply to a college here.
        tiles.push(("/admission", Msg::AdmAdmission, Msg::TileAdmission));
    }
    tiles
}

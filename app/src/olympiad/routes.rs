//! The olympiad's routes: the pages of every phase's folder, and the first sign-in with a
//! card's code, which the candidate's bundle has too.

use crate::olympiad::operator::OperatorPageView;
use crate::olympiad::registration::pages::{TeacherPage, TeacherRegistrationPage};
use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

#[component(transparent)]
pub fn OlympiadRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/olympiad/register") view=TeacherRegistrationPage/>
        <Route path=path!("/olympiad/operator") view=OperatorPageView/>
        <Route path=path!("/olympiad/teacher") view=TeacherPage/>
        <Route path=path!("/olympiad/winners") view=super::results::pages::WinnersPage/>
        <Route path=path!("/olympiad/certificate/:number") view=super::results::pages::CertificateCheckPage/>
        <Route path=path!("/olympiad/certificates") view=super::results::pages::MyCertificatesPage/>
        <Route path=path!("/olympiad/statistics") view=super::statistics::pages::StatisticsPage/>
        <Route path=path!("/olympiad/people") view=super::people::PeoplePage/>
        <Route path=path!("/olympiad/apply") view=super::placement::pages::ApplyPage/>
        <Route path=path!("/olympiad/join") view=super::registration::join::JoinPage/>
        <Route path=path!("/olympiad/applicants") view=super::placement::pages::ApplicantsPage/>
        <Route path=path!("/olympiad/placement") view=super::placement::pages::PlacementLookupPage/>
    }
    .into_inner()
}

/// The first sign-in with an olympiad card's code: in the candidate's bundle too
/// (`crate::CandidateApp`).
#[component(transparent)]
pub fn FirstSignInRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/olympiad/first-sign-in") view=super::registration::first_sign_in::FirstSignInPage/> }.into_inner()
}

//! College state e-services (issue 20, TVT-3): six of the eight services of the seed (duplicates
//! of education documents, the certificate for those who did not finish, academic leave, free
//! meals, a place in the dormitory, transfer and reinstatement) as applications with a form,
//! documents, a statutory deadline and a status path a clerk moves them along; the result as a
//! PDF with a QR check page. The other two (admission of documents, the state-order
//! competition) are the admission domain's. Approvals of academic leave, transfer and
//! reinstatement write the movement on the student card (`records`).

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod downloads;
#[cfg(feature = "ssr")]
pub mod store;

//! Every SQL statement of registration, by feature: teacher registrations with their
//! confirmation, join codes and the teacher's page (`teachers`), the pupils a registration
//! enters with their accounts (`pupils`), a pupil joining with their teacher's code (`join`),
//! and what the registration cards print with the first sign-in a card's code opens (`cards`).
//!
//! Server functions, the cards' route and page loads check the caller first, then call these;
//! nothing here checks anyone. Entering a pupil seats them in the stage when its seating is
//! already prepared (`pupils` → `stage::seating`).

pub mod cards;
pub mod join;
pub mod pupils;
pub mod teachers;

// The paths other phases, the demo data and the benches use.
pub use cards::{card_pupils, first_sign_in_account, CardPupil};
pub use pupils::{add_owned_participant, add_participant, NO_PASSWORD_YET};
pub use teachers::{iin_holder, join_code, pending_registration, teacher_campaigns, teacher_school, IinHolder, PendingRegistration};

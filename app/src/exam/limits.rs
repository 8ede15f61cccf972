//! The question bank's size limits, shared by the question model and the kinds that keep their
//! own parts (gaps, calculated): a leaf, so that those files need not import the model.

/// The longest question text, in characters.
pub const MAX_TEXT: usize = 5000;
/// The longest answer option (or accepted answer, or matching item), in characters.
pub const MAX_OPTION: usize = 1000;
/// The most options (or matching pairs, or items to order) a question can have.
pub const MAX_OPTIONS: usize = 20;
/// The longest topic name, in characters.
pub const MAX_TOPIC: usize = 200;
/// Points a question can be worth: 1 to this.
pub const MAX_POINTS: u32 = 100;

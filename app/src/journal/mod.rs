//! The electronic journal: lessons and their academic hours, marks and attendance, and filling a semester from the timetable.

pub mod model;
pub mod semester;

//! Issue 19's follow-ups, one file each: extra time for a running attempt (`extend`), the new
//! question's idempotent save (`question_keys`), the results export's grade (`export`), "My
//! marks" and the review options (`my_marks`), pictures in Moodle XML and the GIFT download
//! (`exchange`), multiple-response gaps (`multiresponse`).

mod exchange;
mod export;
mod extend;
mod multiresponse;
mod my_marks;
mod question_keys;

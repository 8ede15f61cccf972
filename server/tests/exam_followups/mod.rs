//! Issue 19's follow-ups, one file each: extra time for a running attempt (`extend`).

mod extend;

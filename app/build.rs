// sqlx::migrate! embeds the migration folders at compile time but cargo does not know it reads
// them: without this a new migration file would not be picked up until `app` is rebuilt for
// another reason (the db tests caught exactly that).
fn main() {
    println!("cargo:rerun-if-changed=../migrations/sqlite");
    println!("cargo:rerun-if-changed=../migrations/postgres");
}

//! Reports built from the journal, with no data entered twice: performance by specialty from
//! attestation days and exams (JRN-6).

use super::dto::PerformanceRow;
use super::model::{Mark, MarkCounts};

/// What one group's attestations gave: every mark on an attestation day or exam of any of its
/// journals in the period, and how many student x attestation cells were left without a mark
/// (absent or not attested).
#[derive(Clone, Debug, Default)]
pub struct GroupAttestations {
    pub specialty: String,
    pub group: String,
    pub students: i64,
    pub marks: Vec<Mark>,
    pub not_attested: i64,
}

/// Lines by specialty, then group, each specialty closed by its total line (empty `group`).
pub fn by_specialty(mut groups: Vec<GroupAttestations>) -> Vec<PerformanceRow> {
    groups.sort_by(|a, b| (&a.specialty, &a.group).cmp(&(&b.specialty, &b.group)));
    let mut rows: Vec<PerformanceRow> = Vec::new();
    let mut total: Option<PerformanceRow> = None;
    for g in groups {
        let counts = MarkCounts::of(&g.marks);
        if total.as_ref().is_some_and(|t| t.specialty != g.specialty) {
            rows.extend(total.take());
        }
        let t = total.get_or_insert_with(|| PerformanceRow {
            specialty: g.specialty.clone(),
            group: String::new(),
            students: 0,
            counts: MarkCounts::default(),
            not_attested: 0,
        });
        t.students += g.students;
        t.counts.five += counts.five;
        t.counts.four += counts.four;
        t.counts.three += counts.three;
        t.counts.two += counts.two;
        t.not_attested += g.not_attested;
        rows.push(PerformanceRow { specialty: g.specialty, group: g.group, students: g.students, counts, not_attested: g.not_attested });
    }
    rows.extend(total);
    rows
}

#[cfg(feature = "ssr")]
pub async fn performance(
    db: &crate::db::Db,
    caller: &crate::auth::ssr::Caller,
    from: &str,
    to: &str,
) -> Result<Vec<PerformanceRow>, crate::error::AppError> {
    use super::model::{Cell, Scale};
    use super::store::reports;
    use crate::auth::model::Permission;
    use std::collections::HashMap;
    let scope = crate::admin::store::subtree(db, &caller.scope_roots(Permission::JournalRead)).await?;
    // The attestation lessons of the period (with their group and scale), then every mark given
    // on them, in two queries whatever the size of the college.
    let lessons = reports::attestation_lessons(db, from, to).await?;
    let mut lesson_group: HashMap<i64, (i64, Scale)> = HashMap::new();
    let mut attestations: HashMap<i64, i64> = HashMap::new();
    for l in &lessons {
        if scope.contains(&l.group_id) {
            lesson_group.insert(l.id, (l.group_id, l.scale));
            *attestations.entry(l.group_id).or_default() += 1;
        }
    }
    let marks = reports::attestation_marks(db, from, to).await?;
    let mut by_group: HashMap<i64, Vec<(i64, Mark)>> = HashMap::new();
    for r in &marks {
        let Some((group, scale)) = lesson_group.get(&r.lesson_id).copied() else { continue };
        if let Some(m) = Cell::from_store_code(scale, &r.mark.to_string()).mark() {
            by_group.entry(group).or_default().push((r.student_id, m));
        }
    }
    let mut groups = Vec::new();
    for (group_id, n_attestations) in attestations {
        let profile = reports::group_profile(db, group_id).await?;
        let students = super::store::students(db, group_id).await?;
        // Marks of students who have left the group since are not counted.
        let marks: Vec<Mark> = by_group
            .remove(&group_id)
            .unwrap_or_default()
            .into_iter()
            .filter(|(s, _)| students.iter().any(|st| st.id == *s))
            .map(|(_, m)| m)
            .collect();
        let not_attested = (students.len() as i64 * n_attestations - marks.len() as i64).max(0);
        groups.push(GroupAttestations {
            specialty: format!("{} {}", profile.code, profile.specialty).trim().to_string(),
            group: profile.name,
            students: students.len() as i64,
            marks,
            not_attested,
        });
    }
    Ok(by_specialty(groups))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::model::Scale;

    fn group(specialty: &str, group: &str, marks: &[u8], not_attested: i64) -> GroupAttestations {
        GroupAttestations {
            specialty: specialty.to_string(),
            group: group.to_string(),
            students: marks.len() as i64 + not_attested,
            marks: marks.iter().map(|m| Scale::FivePoint.mark(*m).unwrap()).collect(),
            not_attested,
        }
    }

    #[test]
    fn groups_sorted_under_their_specialty_with_a_total_line() {
        let rows = by_specialty(vec![
            group("0518000 Учёт", "УА-21", &[5, 3, 2], 1),
            group("1304000 Вычислительная техника", "ВТ-22", &[5, 5, 4, 3], 0),
            group("1304000 Вычислительная техника", "ВТ-21", &[4, 4], 2),
        ]);
        let lines: Vec<(String, String, u32)> = rows.iter().map(|r| (r.specialty.clone(), r.group.clone(), r.counts.total())).collect();
        assert_eq!(
            lines,
            vec![
                ("0518000 Учёт".into(), "УА-21".into(), 3),
                ("0518000 Учёт".into(), "".into(), 3),
                ("1304000 Вычислительная техника".into(), "ВТ-21".into(), 2),
                ("1304000 Вычислительная техника".into(), "ВТ-22".into(), 4),
                ("1304000 Вычислительная техника".into(), "".into(), 6),
            ]
        );
        let it = &rows[4];
        assert_eq!((it.counts.five, it.counts.four, it.counts.three, it.counts.two), (2, 3, 1, 0));
        assert_eq!(it.not_attested, 2);
        assert_eq!(it.students, 8);
        assert_eq!(it.counts.quality_percent().map(crate::journal::model::round2), Some(83.33));
        assert_eq!(it.counts.success_percent(), Some(100.0));
        assert_eq!(rows[1].counts.success_percent().map(crate::journal::model::round2), Some(66.67));
    }

    #[test]
    fn no_groups_no_lines() {
        assert!(by_specialty(Vec::new()).is_empty());
    }
}

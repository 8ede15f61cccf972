//! Which backups to keep: every day's for a month, then one a week, then one a month, for a
//! year (all three spans configurable). Then the media objects no kept backup refers to go.

use super::{blob_path, read_lines, read_manifest, tables::Error};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The newest backup of each day is kept this many days.
    pub daily_days: i64,
    /// Then the newest of each week (counted from 1970-01-01, a Thursday) until this age.
    pub weekly_days: i64,
    /// Then the newest of each month until this age; older backups go.
    pub keep_days: i64,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy { daily_days: 30, weekly_days: 90, keep_days: 365 }
    }
}

const DAY_MS: i64 = 86_400_000;

/// The backups to keep among `taken` (epoch ms each), as of `now`. The newest is always kept,
/// whatever its age: a retention run never leaves an installation without a backup.
pub fn keep(taken: &[i64], now: i64, policy: Policy) -> HashSet<i64> {
    // Bucket -> the newest backup in it.
    let mut newest: BTreeMap<(u8, i64), i64> = BTreeMap::new();
    for &t in taken {
        let age_days = (now - t).div_euclid(DAY_MS);
        let day = t.div_euclid(DAY_MS);
        let bucket = if age_days < policy.daily_days {
            (0, day)
        } else if age_days < policy.weekly_days {
            (1, day.div_euclid(7))
        } else if age_days < policy.keep_days {
            let (y, m, _) = app::ui::time::civil_from_days(day);
            (2, y * 12 + i64::from(m))
        } else {
            continue;
        };
        let e = newest.entry(bucket).or_insert(t);
        *e = (*e).max(t);
    }
    let mut kept: HashSet<i64> = newest.into_values().collect();
    if let Some(&last) = taken.iter().max() {
        kept.insert(last);
    }
    kept
}

/// What a retention run removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub backups: Vec<String>,
    pub objects: u64,
}

/// Applies `policy` to the backups in `dir`, then removes the media objects that no kept
/// backup's index names, and leftovers of interrupted backups older than a day.
pub fn prune(dir: &Path, now: i64, policy: Policy) -> Result<Pruned, Error> {
    let mut backups: Vec<(super::Manifest, PathBuf)> = Vec::new();
    let mut pruned = Pruned::default();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        if name.starts_with(".talap-") && name.ends_with(".partial") {
            let old = path.metadata().and_then(|m| m.modified()).ok().and_then(|m| m.elapsed().ok()).is_some_and(|a| a.as_secs() > 86_400);
            if old {
                std::fs::remove_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            continue;
        }
        if name.starts_with("talap-") && path.join("manifest.json").is_file() {
            let (_, m) = read_manifest(&path)?;
            backups.push((m, path));
        }
    }
    let taken: Vec<i64> = backups.iter().map(|(m, _)| m.created_at_ms).collect();
    let kept = keep(&taken, now, policy);
    let mut referenced: HashSet<String> = HashSet::new();
    for (m, path) in &backups {
        if kept.contains(&m.created_at_ms) {
            for line in read_lines(&path.join(&m.media.file), &m.media.sha256)? {
                let o: super::MediaObject = serde_json::from_str(&line?).map_err(|e| e.to_string())?;
                referenced.insert(o.sha256);
            }
        } else {
            std::fs::remove_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))?;
            pruned.backups.push(path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string());
        }
    }
    let media = dir.join("media");
    if media.is_dir() {
        for shard in std::fs::read_dir(&media).map_err(|e| format!("{}: {e}", media.display()))? {
            let shard = shard.map_err(|e| e.to_string())?.path();
            if !shard.is_dir() {
                continue;
            }
            for blob in std::fs::read_dir(&shard).map_err(|e| format!("{}: {e}", shard.display()))? {
                let blob = blob.map_err(|e| e.to_string())?.path();
                let sha = blob.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
                // Temporary names start with a dot: a backup running now is writing them.
                if sha.starts_with('.') || referenced.contains(&sha) {
                    continue;
                }
                debug_assert_eq!(blob, blob_path(dir, &sha));
                std::fs::remove_file(&blob).map_err(|e| format!("{}: {e}", blob.display()))?;
                pruned.objects += 1;
            }
        }
    }
    Ok(pruned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_daily_backups_thins_to_days_then_weeks_then_months() {
        let now = 20_000 * DAY_MS + 3_600_000;
        // One backup a day at 02:00 for 400 days.
        let taken: Vec<i64> = (0..400).map(|d| (20_000 - d) * DAY_MS + 7_200_000).collect();
        let kept = keep(&taken, now, Policy::default());
        let ages: Vec<i64> = taken.iter().filter(|t| kept.contains(t)).map(|t| (now - t) / DAY_MS).collect();
        // Every day of the last 30.
        assert!((0..30).all(|a| ages.contains(&a)), "{ages:?}");
        // Between 30 and 90 days, one a week (9 or 10 weeks).
        let weekly = ages.iter().filter(|a| (30..90).contains(*a)).count();
        assert!((8..=10).contains(&weekly), "{weekly} weekly backups: {ages:?}");
        // Between 90 and 365 days, one a month (9 or 10 months).
        let monthly = ages.iter().filter(|a| (90..365).contains(*a)).count();
        assert!((9..=11).contains(&monthly), "{monthly} monthly backups: {ages:?}");
        // Nothing older than a year.
        assert!(ages.iter().all(|a| *a < 365));
    }

    #[test]
    fn the_newest_backup_is_kept_however_old() {
        let now = 20_000 * DAY_MS;
        let old = now - 500 * DAY_MS;
        assert_eq!(keep(&[old, old - DAY_MS], now, Policy::default()), HashSet::from([old]));
    }

    #[test]
    fn the_spans_are_configurable() {
        let now = 20_000 * DAY_MS;
        let taken: Vec<i64> = (0..20).map(|d| now - d * DAY_MS - 1).collect();
        let kept = keep(&taken, now, Policy { daily_days: 7, weekly_days: 7, keep_days: 7 });
        assert_eq!(kept.len(), 7);
    }
}

//! The olympiad's statistics (OLY-7): for a campaign, by region, district, school or grade —
//! registered, started, finished, results, the average score and violations — and the
//! distribution of scores, live during stage 1 (the page refreshes itself) and as an export.
//!
//! Started and finished come from the stage's attempts (olympiad/stage/sitting.rs), so they move while
//! the window is open; scores come from the results (collected when a window closes, or
//! imported), annulled ones left out; violations are the proctoring's, dismissed ones left out.
//! Who may see it: operators (`olympiad.operate` on the root), like the rest of the panel.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How the rows are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    #[default]
    Region,
    District,
    School,
    Grade,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::Region => "region",
            Level::District => "district",
            Level::School => "school",
            Level::Grade => "grade",
        }
    }

    pub fn from_code(s: &str) -> Option<Level> {
        [Level::Region, Level::District, Level::School, Level::Grade].into_iter().find(|l| l.code() == s)
    }

    pub fn msg(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Level::Region => Msg::OlyRegion,
            Level::District => Msg::OlyDistrict,
            Level::School => Msg::OlySchool,
            Level::Grade => Msg::OlyGrade,
        }
    }
}

/// What the page asks for: the campaign, the grouping, and optional filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsQuery {
    pub campaign_id: i64,
    pub level: Level,
    /// Only this region's participants (0: all).
    pub region_id: i64,
    /// Scores of this subject only ("" : all subjects).
    pub subject: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatRow {
    pub name: String,
    pub registered: i64,
    pub started: i64,
    pub finished: i64,
    /// Results counted in the average (annulled ones are not).
    pub results: i64,
    /// The average score in hundredths of a point.
    pub mean: Option<i64>,
    pub violations: i64,
}

/// One bar of the score distribution: scores in [from, to) hundredths.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    pub from: i64,
    pub to: i64,
    pub count: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    pub campaign: String,
    pub subjects: Vec<String>,
    pub regions: Vec<(i64, String)>,
    pub rows: Vec<StatRow>,
    pub total: StatRow,
    pub bins: Vec<Bin>,
    pub at: i64,
}

/// Bars in the distribution.
pub const BINS: i64 = 10;

/// One participant as the statistics see them.
#[derive(Clone, Debug, Default)]
pub struct Person {
    pub region_id: i64,
    pub region: String,
    pub district: String,
    pub school: String,
    pub grade: i64,
    pub started: bool,
    pub finished: bool,
    pub violations: i64,
    /// Valid (not annulled) scores in hundredths, of the asked subject(s).
    pub scores: Vec<i64>,
}

/// Groups people into rows (sorted by name; grades in order) and a total.
pub fn summarise(people: &[Person], level: Level) -> (Vec<StatRow>, StatRow) {
    use std::collections::BTreeMap;
    let key = |p: &Person| -> (i64, String) {
        match level {
            Level::Region => (0, p.region.clone()),
            Level::District => (0, format!("{} · {}", p.region, p.district)),
            Level::School => (0, format!("{} · {}", p.district, p.school)),
            Level::Grade => (p.grade, p.grade.to_string()),
        }
    };
    let mut groups: BTreeMap<(i64, String), Vec<&Person>> = BTreeMap::new();
    for p in people {
        groups.entry(key(p)).or_default().push(p);
    }
    let row = |name: String, list: &[&Person]| {
        let scores: Vec<i64> = list.iter().flat_map(|p| p.scores.iter().copied()).collect();
        StatRow {
            name,
            registered: list.len() as i64,
            started: list.iter().filter(|p| p.started).count() as i64,
            finished: list.iter().filter(|p| p.finished).count() as i64,
            results: scores.len() as i64,
            mean: (!scores.is_empty()).then(|| (scores.iter().sum::<i64>() as f64 / scores.len() as f64).round() as i64),
            violations: list.iter().map(|p| p.violations).sum(),
        }
    };
    let rows = groups.into_iter().map(|((_, name), list)| row(name, &list)).collect();
    let all: Vec<&Person> = people.iter().collect();
    (rows, row(String::new(), &all))
}

/// The distribution of `scores` in at most `BINS` equal bars from 0, each a whole number of
/// points wide, up to the bar holding the best score (so the bars fit any paper's length).
pub fn distribution(scores: &[i64]) -> Vec<Bin> {
    let Some(&max) = scores.iter().max() else { return Vec::new() };
    let points = ((max + 99) / 100).max(1);
    let width = (points + BINS - 1) / BINS * 100;
    let n = (max / width + 1).min(BINS);
    let mut bins: Vec<Bin> = (0..n).map(|i| Bin { from: i * width, to: (i + 1) * width, count: 0 }).collect();
    for &s in scores {
        bins[(s / width).clamp(0, n - 1) as usize].count += 1;
    }
    bins
}

/// The statistics of a campaign: `level` is region, district, school or grade; `region_id`
/// 0 and `subject` "" mean all.
#[server(prefix = "/api", endpoint = "olympiad/statistics")]
pub async fn olympiad_statistics(campaign_id: i64, level: String, region_id: i64, subject: String) -> Result<Statistics, AppError> {
    crate::api::respond(async move {
        let (_, st) = crate::olympiad::ssr::require_operator().await?;
        let level = Level::from_code(&level).ok_or(AppError::field("level", crate::i18n::Msg::ErrRequired))?;
        ssr::statistics(&st.db, &StatsQuery { campaign_id, level, region_id, subject }).await
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::db::Db;
    use crate::docs::xlsx::XCell;
    use crate::i18n::{Locale, Msg};
    use crate::olympiad::statistics::store;
    use std::collections::{HashMap, HashSet};

    pub async fn statistics(db: &Db, q: &StatsQuery) -> Result<Statistics, AppError> {
        let campaign = crate::olympiad::campaign::store::campaign(db, q.campaign_id)
            .await?
            .ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        // Each participant with their school, district and region (a school of a city of
        // republican status stands directly under its region: no district).
        let rows = store::participants(db, q.campaign_id).await?;
        let mut sat: HashMap<i64, (bool, i64)> = HashMap::new();
        for r in store::sittings(db, q.campaign_id).await? {
            sat.insert(r.student_id, (r.finished > 0, r.violations));
        }
        let mut scores: HashMap<i64, Vec<i64>> = HashMap::new();
        for (participant_id, subject, score) in store::valid_results(db, q.campaign_id).await? {
            if q.subject.is_empty() || subject == q.subject {
                scores.entry(participant_id).or_default().push(score);
            }
        }
        let mut people = Vec::with_capacity(rows.len());
        let mut regions: Vec<(i64, String)> = Vec::new();
        let mut seen = HashSet::new();
        for r in rows {
            let region_id = r.region_id;
            let region = r.region;
            if seen.insert(region_id) {
                regions.push((region_id, region.clone()));
            }
            if q.region_id != 0 && region_id != q.region_id {
                continue;
            }
            let (finished, violations) = sat.get(&r.user_id).copied().map_or((false, 0), |(f, v)| (f, v));
            people.push(Person {
                region_id,
                region,
                district: r.district,
                school: r.school,
                grade: r.grade,
                started: sat.contains_key(&r.user_id),
                finished,
                violations,
                scores: scores.remove(&r.id).unwrap_or_default(),
            });
        }
        regions.sort_by(|a, b| a.1.cmp(&b.1));
        let (rows, total) = summarise(&people, q.level);
        let all: Vec<i64> = people.iter().flat_map(|p| p.scores.iter().copied()).collect();
        Ok(Statistics {
            campaign: campaign.title,
            subjects: campaign.subjects,
            regions,
            rows,
            total,
            bins: distribution(&all),
            at: crate::api::now_ms(),
        })
    }

    /// The table as the export writes it: one row per group and the total.
    pub fn table(s: &Statistics, level: Level, l: Locale) -> (Vec<String>, Vec<Vec<XCell>>) {
        let headers = [
            level.msg(),
            Msg::OlyRegistered,
            Msg::OlyStarted,
            Msg::OlyFinished,
            Msg::OlyCountResults,
            Msg::OlyMeanScore,
            Msg::OlyViolations,
        ]
        .iter()
        .map(|m| m.text(l).to_string())
        .collect();
        let cells = |name: String, r: &StatRow| {
            vec![
                XCell::Text(name),
                XCell::Number(r.registered as f64),
                XCell::Number(r.started as f64),
                XCell::Number(r.finished as f64),
                XCell::Number(r.results as f64),
                r.mean.map_or(XCell::Empty, |m| XCell::Number(m as f64 / 100.0)),
                XCell::Number(r.violations as f64),
            ]
        };
        let mut body: Vec<Vec<XCell>> = s.rows.iter().map(|r| cells(r.name.clone(), r)).collect();
        body.push(cells(Msg::Total.text(l).to_string(), &s.total));
        (headers, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(region: &str, grade: i64, started: bool, finished: bool, scores: &[i64]) -> Person {
        Person {
            region: region.into(),
            district: "Аудан".into(),
            school: "Мектеп".into(),
            grade,
            started,
            finished,
            violations: i64::from(started),
            scores: scores.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn rows_count_each_stage_and_average_valid_scores() {
        let people = [
            person("Абай облысы", 6, true, true, &[1000, 2000]),
            person("Абай облысы", 7, true, false, &[]),
            person("Ақмола облысы", 6, false, false, &[]),
            person("Ақмола облысы", 6, true, true, &[1550]),
        ];
        let (rows, total) = summarise(&people, Level::Region);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].name.as_str(), rows[0].registered, rows[0].started, rows[0].finished), ("Абай облысы", 2, 2, 1));
        assert_eq!((rows[0].results, rows[0].mean, rows[0].violations), (2, Some(1500), 2));
        assert_eq!((rows[1].registered, rows[1].started, rows[1].mean), (2, 1, Some(1550)));
        assert_eq!((total.registered, total.started, total.finished, total.results, total.mean), (4, 3, 2, 3, Some(1517)));
        let (grades, _) = summarise(&people, Level::Grade);
        assert_eq!(grades.iter().map(|r| (r.name.as_str(), r.registered)).collect::<Vec<_>>(), vec![("6", 3), ("7", 1)]);
        assert_eq!(summarise(&[], Level::School).1.mean, None);
    }

    #[test]
    fn the_distribution_spans_zero_to_the_best_score_in_ten_bars() {
        assert!(distribution(&[]).is_empty());
        // Best 38.5 points: bars of 4 points up to 40.
        let bins = distribution(&[0, 399, 400, 3850, 3850]);
        assert_eq!(bins.len(), 10);
        assert_eq!((bins[0].from, bins[0].to, bins[0].count), (0, 400, 2));
        assert_eq!(bins[1].count, 1);
        assert_eq!((bins[9].from, bins[9].to, bins[9].count), (3600, 4000, 2));
        assert_eq!(bins.iter().map(|b| b.count).sum::<i64>(), 5);
        // All zero: one bar holds them all.
        assert_eq!(distribution(&[0, 0]).iter().map(|b| b.count).collect::<Vec<_>>()[0], 2);
    }
}

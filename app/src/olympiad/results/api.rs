//! Server functions of results, winners and certificates (OLY-5..7).
//!
//! Who may call what: importing results, computing winners, publishing and issuing
//! certificates need `olympiad.operate` on the root (results are national), like the rest of
//! the operator's work. The winners' list and the certificate check are public (no IINs in
//! either); a signed-in person lists their own certificates.

use super::file::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::olympiad::directory::file::row_errors;
#[cfg(feature = "ssr")]
use crate::olympiad::ssr::{audit, require_operator};

/// A campaign's results at a glance: counts, the winner rule, ranking and publication dates.
#[server(prefix = "/api", endpoint = "olympiad/results/standing")]
pub async fn campaign_standing(campaign_id: i64) -> Result<Standing, AppError> {
    crate::api::respond(async move {
        let (_, st) = require_operator().await?;
        super::standings::standing(&st.db, campaign_id).await?.ok_or(AppError::NotFound)
    })
    .await
}

/// Imports results or corrections from XLSX or CSV (layout in `results/file.rs`). Fields:
/// `campaign_id`, `dry_run` (`true`: only report what would change), `file`. Every row is
/// checked before anything is written; a file with any error comes back as "row.N.column"
/// field errors and writes nothing. Applied, all rows are written in one transaction with one
/// audit row, and a campaign that was already ranked is ranked again with the new results.
#[server(prefix = "/api", endpoint = "olympiad/results/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_results(data: leptos::server_fn::codec::MultipartData) -> Result<ResultsImport, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let (caller, st) = require_operator().await?;
        let upload = crate::media::read_upload(data, MAX_RESULTS_FILE).await?;
        let campaign_id = upload.id("campaign_id").ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        // Anything but an explicit "false" previews: a form that lost the field writes nothing.
        let dry_run = upload.fields.get("dry_run").is_none_or(|v| v.trim() != "false");
        let campaign = crate::olympiad::campaign::store::campaign(&st.db, campaign_id)
            .await?
            .ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        if upload.bytes.is_empty() {
            return Err(AppError::field("file", Msg::ErrRequired));
        }
        let rows = parse_results(&upload.file_name, &upload.bytes, &campaign.subjects).map_err(row_errors)?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let (mut report, writes) = super::standings::plan_import(&mut tx, campaign_id, &rows).await?.map_err(row_errors)?;
        report.dry_run = dry_run;
        if dry_run || writes.is_empty() {
            // Nothing to write: the transaction only read, and is dropped.
            return Ok(report);
        }
        super::standings::write_results(&mut tx, campaign_id, &writes, now).await?;
        if let Some((rule, Some(_), _)) = super::standings::rule_of(&mut tx, campaign_id).await? {
            super::standings::store_ranking(&mut tx, campaign_id, rule, now).await?;
            report.reranked = true;
        }
        audit(
            &mut tx,
            &caller,
            "olympiad.results.import",
            campaign_id,
            None,
            Some(serde_json::json!({
                "file": crate::media::safe_name(&upload.file_name),
                "added": report.added, "changed": report.changed, "unchanged": report.unchanged,
                // Every write with what it replaced (the report lists only the first ones).
                "changes": writes.iter().map(|w| serde_json::json!({
                    "row": w.row, "iin": w.iin, "subject": w.subject, "before": w.before, "after": w.values })).collect::<Vec<_>>(),
                "reranked": report.reranked })),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    })
    .await
}

/// Ranks every grade and subject of the campaign and stores places and winners, with the rule
/// given: `rule` "threshold" (`value`: the least winning score in points) or "quota"
/// (`value`: winners per region). Running it again gives the same result.
#[server(prefix = "/api", endpoint = "olympiad/winners/compute")]
pub async fn compute_winners(campaign_id: i64, rule: String, value: String) -> Result<RankingReport, AppError> {
    crate::api::respond(async move {
        let (caller, st) = require_operator().await?;
        crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
        let parsed = parse_rule(rule.trim(), &value).map_err(|(field, msg)| AppError::field(field, msg))?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let before = super::standings::rule_of(&mut tx, campaign_id).await?.map(|(r, ..)| r);
        let report = super::standings::store_ranking(&mut tx, campaign_id, parsed, now).await?;
        audit(
            &mut tx,
            &caller,
            "olympiad.winners.compute",
            campaign_id,
            before.map(|r| serde_json::json!({ "rule": r })),
            Some(serde_json::json!({ "rule": parsed, "report": report })),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    })
    .await
}

/// Publishes the campaign's results: from now on the public winners' page lists it. Refused
/// until winners were computed.
#[server(prefix = "/api", endpoint = "olympiad/results/publish")]
pub async fn publish_results(campaign_id: i64) -> Result<i64, AppError> {
    crate::api::respond(async move {
        let (caller, st) = require_operator().await?;
        crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
        let mut tx = st.db.begin().await?;
        let published_at = super::standings::publish(&mut tx, campaign_id, crate::api::now_ms()).await?;
        audit(&mut tx, &caller, "olympiad.results.publish", campaign_id, None, Some(serde_json::json!({ "published_at": published_at })))
            .await?;
        tx.commit().await?;
        Ok(published_at)
    })
    .await
}

/// Issues the campaign's certificates (what is missing of them: a second run issues none).
/// Only once the results are published, so no certificate tells a result before the page.
#[server(prefix = "/api", endpoint = "olympiad/certificates/issue")]
pub async fn issue_certificates(campaign_id: i64) -> Result<CertificatesIssued, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let (caller, st) = require_operator().await?;
        crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        if !matches!(super::standings::rule_of(&mut tx, campaign_id).await?, Some((_, Some(_), Some(_)))) {
            return Err(AppError::Refused(Msg::ErrOlyPublishFirst));
        }
        let issued = super::certificates::issue_all(&mut tx, campaign_id, caller.user_id, now).await?;
        if issued.participation + issued.winner > 0 {
            audit(&mut tx, &caller, "olympiad.certificates.issue", campaign_id, None, Some(serde_json::json!(issued))).await?;
        }
        tx.commit().await?;
        Ok(issued)
    })
    .await
}

/// Public: the published campaigns' winners, by grade and subject. `query` keeps the winners
/// whose name, school or region contains it (case and spacing ignored); no IINs are sent.
#[server(prefix = "/api", endpoint = "olympiad/winners")]
pub async fn public_winners(query: String) -> Result<Vec<PublishedCampaign>, AppError> {
    crate::api::respond(async move {
        use crate::i18n::normal_name;
        let st = crate::api::state()?;
        let mut campaigns = super::standings::published_winners(&st.db).await?;
        let needle = normal_name(&query.chars().take(100).collect::<String>());
        if !needle.is_empty() {
            for c in &mut campaigns {
                c.winners.retain(|w| [&w.full_name, &w.school, &w.region].iter().any(|s| normal_name(s).contains(&needle)));
            }
        }
        Ok(campaigns)
    })
    .await
}

/// Public: what the certificate with this number certifies (the page its QR code opens).
/// An unknown number is None, which the page words as "no certificate has this number": an
/// answer, not an error (so the page is a 200 whatever it finds, not a status that depends on
/// how fast the lookup was while the page streamed).
#[server(prefix = "/api", endpoint = "olympiad/certificate/verify")]
pub async fn verify_olympiad_certificate(number: String) -> Result<Option<CertificateView>, AppError> {
    crate::api::respond(async move {
        let st = crate::api::state()?;
        let Some(number) = super::certificates::normalize_number(&number) else { return Ok(None) };
        Ok(super::certificates::find(&st.db, &number).await?.map(|c| c.view))
    })
    .await
}

/// The caller's own olympiad certificates (any signed-in person; most have none).
#[server(prefix = "/api", endpoint = "olympiad/certificates/mine")]
pub async fn my_olympiad_certificates() -> Result<Vec<CertificateView>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        super::certificates::of_holder(&st.db, caller.user_id).await
    })
    .await
}

//! Delivery of queued messages: the transports (SMTP via lettre, an HTTP SMS gateway, or, in
//! demo mode only, the log) and the worker that drains the outbox with retries.
//!
//! Messages carry one-time codes, so outside demo mode nothing is ever written to the log in
//! their place: the server refuses to start without both gateways (`Config::check`), and a
//! notifier built without one anyway (a library caller, a test) fails the delivery, which
//! stays in the outbox to be retried, instead of logging it.

use app::db::Db;
use app::notify::model::Channel;
use app::notify::outbox::{claim_due, mark_failed, mark_sent, Due};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub enum EmailTransport {
    /// Demo mode without SMTP: the message (and so any code in it) is written to the server log.
    Log,
    /// No SMTP outside demo mode: delivery fails (the message waits in the outbox).
    Missing,
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

pub enum SmsTransport {
    /// Demo mode without a gateway: written to the server log.
    Log,
    /// No gateway outside demo mode: delivery fails (the message waits in the outbox).
    Missing,
    /// A gateway that takes `POST {"to": "+77...", "text": "..."}` with a bearer token.
    Http { client: reqwest::Client, url: String, token: Option<String> },
}

pub struct Notifier {
    pub email: EmailTransport,
    pub sms: SmsTransport,
}

impl Notifier {
    pub fn from_config(c: &crate::config::Config) -> Result<Notifier, String> {
        let email = match &c.smtp_url {
            None if c.demo => EmailTransport::Log,
            None => EmailTransport::Missing,
            Some(url) => EmailTransport::Smtp {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("smtp_url: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
                from: c.mail_from.parse().map_err(|e| format!("mail_from: {e}"))?,
            },
        };
        let sms = match &c.sms_url {
            None if c.demo => SmsTransport::Log,
            None => SmsTransport::Missing,
            Some(url) => SmsTransport::Http {
                client: reqwest::Client::builder().timeout(Duration::from_secs(15)).build().map_err(|e| e.to_string())?,
                url: url.clone(),
                token: c.sms_token.clone(),
            },
        };
        Ok(Notifier { email, sms })
    }

    /// Sends one message; an Err is a delivery failure to be retried later.
    pub async fn deliver(&self, m: &Due) -> Result<(), String> {
        match m.channel {
            Channel::InApp => Ok(()),
            Channel::Email => match &self.email {
                EmailTransport::Log => {
                    tracing::info!(to = %m.recipient, subject = %m.subject, body = %m.body, "email (no SMTP configured, logged only)");
                    Ok(())
                }
                EmailTransport::Missing => Err("no SMTP server configured (TALAP_SMTP_URL)".into()),
                EmailTransport::Smtp { transport, from } => {
                    let to: Mailbox = m.recipient.parse().map_err(|e| format!("recipient: {e}"))?;
                    let message = Message::builder()
                        .from(from.clone())
                        .to(to)
                        .subject(m.subject.clone())
                        .header(ContentType::TEXT_PLAIN)
                        .body(m.body.clone())
                        .map_err(|e| e.to_string())?;
                    transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
                }
            },
            Channel::Sms => match &self.sms {
                SmsTransport::Log => {
                    tracing::info!(to = %m.recipient, text = %m.body, "sms (no gateway configured, logged only)");
                    Ok(())
                }
                SmsTransport::Missing => Err("no SMS gateway configured (TALAP_SMS_URL)".into()),
                SmsTransport::Http { client, url, token } => {
                    let mut req = client.post(url).json(&serde_json::json!({"to": m.recipient, "text": m.body}));
                    if let Some(t) = token {
                        req = req.bearer_auth(t);
                    }
                    let resp = req.send().await.map_err(|e| e.to_string())?;
                    if resp.status().is_success() {
                        Ok(())
                    } else {
                        Err(format!("gateway answered {}", resp.status()))
                    }
                }
            },
        }
    }
}

/// Drains the outbox once: claims due messages, sends them, records the outcome. Returns how
/// many were attempted.
pub async fn drain_once(db: &Db, notifier: &Notifier) -> usize {
    let due = match claim_due(db, 50, 120_000).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(?e, "outbox: could not claim messages");
            return 0;
        }
    };
    for m in &due {
        let outcome = notifier.deliver(m).await;
        let recorded = match &outcome {
            Ok(()) => {
                crate::metrics::outbox_sent();
                mark_sent(db, m.id).await
            }
            Err(err) => {
                tracing::warn!(id = m.id, channel = m.channel.code(), error = %err, "outbox: delivery failed, will retry");
                mark_failed(db, m.id, m.attempts, err).await
            }
        };
        if let Err(e) = recorded {
            tracing::error!(?e, id = m.id, "outbox: could not record delivery outcome");
        }
    }
    due.len()
}

/// The background worker: polls every second (faster while there is a backlog). Every app
/// node may run one; claims keep them from sending a message twice.
pub fn spawn_worker(db: Db, notifier: Notifier) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let n = drain_once(&db, &notifier).await;
            if n == 0 {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    })
}

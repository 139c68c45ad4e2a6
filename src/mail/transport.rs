//! Handing a message to the SMTP server, through lettre: the connection from `--smtp`, and
//! the MIME message built from an outbox row (UTF-8 subject, plain text and HTML parts).
use crate::settings::MailSettings;
use entity::mail_outbox;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::Path;

/// The configured SMTP server and From address.
#[derive(Clone)]
pub struct Transport {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why a message was not handed over.
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    /// The server refused it for good (a 5xx reply, an address it will never take).
    pub permanent: bool,
}

impl Transport {
    /// Builds the transport from the settings; nothing is connected until the first message.
    ///
    /// # Errors
    /// A Chinese sentence naming what is wrong with the URL or the From address.
    pub fn new(settings: &MailSettings) -> Result<Self, String> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)
            .map_err(|e| format!("发信服务器地址（--smtp）无效：{e}"))?;
        if let Some(ca_file) = &settings.ca_file {
            builder = builder.tls(tls_trusting(&settings.smtp_url, ca_file)?);
        }
        if let (Some(user), Some(password)) = (&settings.user, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from = settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| format!("发件人地址（--mail-from）无效：{}：{e}", settings.from))?;
        Ok(Self { smtp: builder.build(), from })
    }

    /// Sends one outbox row to `to`; returns the server's reply to the message's data.
    ///
    /// # Errors
    /// The address or message could not be built (permanent), or the server refused or could
    /// not be reached (permanent only for a 5xx reply).
    pub async fn send(&self, row: &mail_outbox::Model, to: &str) -> Result<String, SendError> {
        let refused = |message: String| SendError { message, permanent: true };
        let to: Mailbox = to.parse().map_err(|e| refused(format!("收件地址无效：{e}")))?;
        let mut builder = Message::builder()
            .message_id(Some(row.message_id.clone()))
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .date_now();
        if let Some(url) = &row.list_unsubscribe {
            builder = builder.header(ListUnsubscribe(url.clone())).header(ListUnsubscribePost);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(row.body_text.clone(), row.body_html.clone()))
            .map_err(|e| refused(format!("邮件无法生成：{e}")))?;
        match self.smtp.send(message).await {
            Ok(reply) => Ok(format!("{} {}", reply.code(), reply.message().collect::<Vec<_>>().join(" "))),
            Err(e) => Err(SendError { message: e.to_string(), permanent: e.is_permanent() }),
        }
    }
}

/// The URL's TLS mode, with the certificates signed by the authority in `ca_file` trusted
/// besides the public roots (a relay inside the organisation).
fn tls_trusting(smtp_url: &str, ca_file: &Path) -> Result<Tls, String> {
    let url = url::Url::parse(smtp_url).map_err(|e| format!("发信服务器地址（--smtp）无效：{e}"))?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let pem = std::fs::read(ca_file).map_err(|e| format!("无法读取证书颁发机构文件 {}：{e}", ca_file.display()))?;
    let authority =
        Certificate::from_pem(&pem).map_err(|e| format!("证书颁发机构文件 {} 无效：{e}", ca_file.display()))?;
    let params = TlsParameters::builder(host)
        .add_root_certificate(authority)
        .build_rustls()
        .map_err(|e| format!("TLS 设置无效：{e}"))?;
    let mode = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
    match (url.scheme(), mode.as_deref()) {
        ("smtps", _) => Ok(Tls::Wrapper(params)),
        ("smtp", Some("required")) => Ok(Tls::Required(params)),
        ("smtp", Some("opportunistic")) => Ok(Tls::Opportunistic(params)),
        _ => Err("证书颁发机构文件（--smtp-ca-file）只用于加密连接：请用 smtps:// 或 smtp://…?tls=required".to_owned()),
    }
}

/// `List-Unsubscribe: <https://…>`: where a mail client's unsubscribe button goes (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim().trim_start_matches('<').trim_end_matches('>').to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: the button unsubscribes with one POST,
/// no page to fill in (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

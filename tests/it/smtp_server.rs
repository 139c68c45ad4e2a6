//! A real SMTP server inside the test process (mailin-embedded, on a loopback port): it keeps
//! every message whose data it accepted, and can be told to refuse the next recipients, or to
//! hold a session at DATA so a test can kill the sending process mid-message.
use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server, SslConfig};
use std::net::{IpAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(&self.raw).expect("a MIME message")
    }

    pub fn message_id(&self) -> String {
        self.parsed().message_id().expect("a Message-ID").to_owned()
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().expect("a Subject").to_owned()
    }

    /// The plain-text part, decoded, its lines ended by `\n` (they travel as CRLF).
    pub fn text(&self) -> String {
        self.parsed().body_text(0).expect("a text part").replace("\r\n", "\n")
    }

    /// The HTML part, decoded.
    pub fn html(&self) -> String {
        self.parsed().body_html(0).expect("an HTML part").into_owned()
    }

    /// The raw header block, as it travelled.
    pub fn raw_headers(&self) -> String {
        let raw = String::from_utf8_lossy(&self.raw);
        raw.split("\r\n\r\n").next().unwrap_or_default().to_owned()
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// Refuse this many RCPT commands with `refusal`.
    refuse: AtomicUsize,
    refusal: Mutex<Option<Response>>,
    /// Accept this many messages, then hold the next session at DATA until released.
    hold_after: Mutex<Option<usize>>,
    /// The user who authenticated with the right password (AUTH PLAIN), if any did.
    authenticated: Mutex<Option<String>>,
    /// The password AUTH PLAIN accepts.
    password: Mutex<Option<String>>,
    holding: AtomicBool,
    released: AtomicBool,
    /// Messages whose data was asked for (DATA), counted as they start: with several sessions
    /// at once, the ones after `hold_after` are held however the others are going.
    started: AtomicUsize,
}

#[derive(Clone)]
struct Session {
    shared: Arc<Shared>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Session {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        from.clone_into(&mut self.from);
        self.to.clear();
        self.data.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let left = self.shared.refuse.load(Ordering::SeqCst);
        if left > 0 {
            self.shared.refuse.store(left - 1, Ordering::SeqCst);
            let refusal = self.shared.refusal.lock().unwrap().clone();
            return refusal.unwrap_or(response::NO_MAILBOX);
        }
        self.to.push(to.to_owned());
        response::OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, _to: &[String]) -> Response {
        let hold = *self.shared.hold_after.lock().unwrap();
        let before = self.shared.started.fetch_add(1, Ordering::SeqCst);
        if hold.is_some_and(|n| before >= n) {
            // The client sent DATA and waits for 354; it is still "sending" this message.
            self.shared.holding.store(true, Ordering::SeqCst);
            while !self.shared.released.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.data.clear();
        response::START_DATA
    }

    fn auth_plain(&mut self, _authorization_id: &str, user: &str, password: &str) -> Response {
        if self.shared.password.lock().unwrap().as_deref() == Some(password) {
            *self.shared.authenticated.lock().unwrap() = Some(user.to_owned());
            response::AUTH_OK
        } else {
            response::INVALID_CREDENTIALS
        }
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = Received { from: self.from.clone(), to: self.to.clone(), raw: std::mem::take(&mut self.data) };
        self.shared.received.lock().unwrap().push(message);
        response::OK
    }
}

pub struct SmtpServer {
    pub port: u16,
    shared: Arc<Shared>,
}

impl SmtpServer {
    /// Starts listening on a free loopback port, serving until the test process ends.
    pub fn start() -> Self {
        Self::serve(SslConfig::None, None)
    }

    /// A relay that offers STARTTLS with a certificate for `localhost` signed by the authority
    /// [`TlsFiles::authority`] names, and after it AUTH PLAIN with `password`.
    pub fn start_tls(files: &TlsFiles, password: &str) -> Self {
        // Another test may have installed it already; either way ring is the provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let ssl = SslConfig::SelfSigned {
            cert_path: files.certificate.display().to_string(),
            key_path: files.key.display().to_string(),
        };
        Self::serve(ssl, Some(password.to_owned()))
    }

    fn serve(ssl: SslConfig, password: Option<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        let shared = Arc::new(Shared { password: Mutex::new(password.clone()), ..Shared::default() });
        let handler = Session { shared: shared.clone(), from: String::new(), to: Vec::new(), data: Vec::new() };
        std::thread::spawn(move || {
            let mut server = Server::new(handler);
            server.with_name("smtp.test").with_ssl(ssl).expect("TLS set up").with_tcp_listener(listener);
            // More sessions than the sender opens at once, held ones included.
            server.with_num_threads(32);
            if password.is_some() {
                server.with_auth(mailin_embedded::AuthMechanism::Plain);
            }
            server.serve().expect("SMTP server runs");
        });
        Self { port, shared }
    }

    /// Who authenticated, when someone did with the right password.
    pub fn authenticated(&self) -> Option<String> {
        self.shared.authenticated.lock().unwrap().clone()
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits (up to `within`) until at least `n` messages have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n || start.elapsed() > within {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Refuses the next `count` recipients with `reply` (a 4xx is temporary, a 5xx permanent).
    pub fn refuse_next(&self, count: usize, reply: Response) {
        *self.shared.refusal.lock().unwrap() = Some(reply);
        self.shared.refuse.store(count, Ordering::SeqCst);
    }

    /// Lets `n` messages start their data, and holds every later one at DATA until
    /// [`SmtpServer::release`].
    pub fn hold_after(&self, n: usize) {
        *self.shared.hold_after.lock().unwrap() = Some(n);
    }

    pub fn holding(&self) -> bool {
        self.shared.holding.load(Ordering::SeqCst)
    }

    /// Lets a held session go on, and holds no more.
    pub fn release(&self) {
        *self.shared.hold_after.lock().unwrap() = None;
        self.shared.released.store(true, Ordering::SeqCst);
    }
}

/// A certificate authority and a certificate for `localhost` it signed, as PEM files.
pub struct TlsFiles {
    pub authority: std::path::PathBuf,
    pub certificate: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

impl TlsFiles {
    pub fn make(dir: &std::path::Path) -> Self {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name.push(rcgen::DnType::CommonName, "gongshi test CA");
        let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let key = rcgen::KeyPair::generate().unwrap();
        let leaf =
            rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap().signed_by(&key, &issuer).unwrap();
        let files =
            Self { authority: dir.join("ca.pem"), certificate: dir.join("relay.pem"), key: dir.join("relay.key") };
        std::fs::write(&files.authority, ca_pem).unwrap();
        std::fs::write(&files.certificate, leaf.pem()).unwrap();
        std::fs::write(&files.key, key.serialize_pem()).unwrap();
        files
    }
}

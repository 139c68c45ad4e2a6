//! The shipped nginx site (deploy/nginx-gongshi.conf) in front of the test app, over real TLS:
//! the app records the client nginx saw (not a forged header, not nginx itself), sets its
//! session cookie `Secure`, and every answer carries one HSTS header. Only paths, ports and
//! the certificate are changed from the shipped file. CI installs nginx (.ci/packages); set
//! GONGSHI_SKIP_NGINX_TEST=1 to skip on a machine without it.
use crate::helpers::{Backend, TEST_PASSWORD, TestApp, csrf_in};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Stops the nginx this test started, however the test ends.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn self_signed_certificate(dir: &Path) {
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the openssl command runs");
    assert!(status.success(), "openssl made the certificate");
}

/// The shipped site with this test's ports and files, inside a minimal nginx.conf.
fn nginx_conf(dir: &Path, app_port: u16, redirect_port: u16, tls_port: u16) -> String {
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/nginx-gongshi.conf")).unwrap();
    let site = shipped
        .lines()
        .filter(|line| !line.trim_start().starts_with("listen [::]"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("listen 80;", &format!("listen 127.0.0.1:{redirect_port};"))
        .replace("listen 443 ssl", &format!("listen 127.0.0.1:{tls_port} ssl"))
        .replace("server 127.0.0.1:8080;", &format!("server 127.0.0.1:{app_port};"))
        .replace("/etc/ssl/gongshi/fullchain.pem", &dir.join("cert.pem").display().to_string())
        .replace("/etc/ssl/gongshi/privkey.pem", &dir.join("key.pem").display().to_string());
    assert!(site.contains(&format!("127.0.0.1:{tls_port} ssl")), "the shipped file still has `listen 443 ssl`");
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n{site}\n}}\n"
    )
}

async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nginx did not start listening on {port}");
}

#[actix_web::test]
async fn behind_the_shipped_nginx_site_the_app_sees_the_client_and_https() {
    if std::env::var("GONGSHI_SKIP_NGINX_TEST").is_ok_and(|v| v == "1") {
        eprintln!("skipped: GONGSHI_SKIP_NGINX_TEST=1");
        return;
    }
    let nginx_available = Command::new("nginx").arg("-v").stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    assert!(
        nginx_available,
        "nginx is not installed: install it (CI does, from .ci/packages) or set GONGSHI_SKIP_NGINX_TEST=1"
    );
    let dir = tempfile::tempdir().unwrap();
    self_signed_certificate(dir.path());
    let (redirect_port, tls_port) = (free_port(), free_port());
    let base = format!("https://localhost:{tls_port}");
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.base_url.clone_from(&base);
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let app_port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, nginx_conf(dir.path(), app_port, redirect_port, tls_port)).unwrap();
    let _nginx = Nginx(
        Command::new("nginx")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts"),
    );
    wait_for_port(tls_port).await;

    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "admin", "wangyj").await;
    // The browser is at 127.0.0.2; nginx reaches the app from 127.0.0.1, its trusted proxy.
    let browser = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .resolve("localhost", std::net::SocketAddr::from(([127, 0, 0, 1], tls_port)))
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();

    let plain = browser.get(format!("http://127.0.0.1:{redirect_port}/login")).send().await.unwrap();
    assert_eq!(plain.status().as_u16(), 301);
    assert_eq!(plain.headers()["location"], "https://127.0.0.1/login");

    let res = browser.get(format!("{base}/login")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let hsts: Vec<_> = res.headers().get_all("strict-transport-security").iter().collect();
    assert_eq!(hsts, ["max-age=31536000"], "one HSTS header");
    let page = res.text().await.unwrap();
    let form = [("_csrf", csrf_in(&page)), ("username", "wangyj".to_owned()), ("password", TEST_PASSWORD.to_owned())];
    // A forged X-Forwarded-For is replaced by nginx, so it cannot pick the recorded address.
    let res = browser
        .post(format!("{base}/login"))
        .header("x-forwarded-for", "198.51.100.1")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "signed in through nginx");
    let session: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .filter(|c| c.starts_with("gongshi_session="))
        .collect();
    assert!(!session.is_empty() && session.iter().all(|c| c.contains("Secure")), "{session:?}");

    let login = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("auth.login"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the sign-in is audited");
    assert_eq!(login.ip.as_deref(), Some("127.0.0.2"), "the client nginx saw");
}

//! A PostgreSQL for the tests: `DATABASE_URL` if set, else the one on 127.0.0.1:5432, else a
//! temporary cluster started from the installed server binaries (stopped when dropped).

use anyhow::{bail, Context, Result};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

pub struct Postgres {
    url: String,
    temporary: Option<TempCluster>,
}

struct TempCluster {
    bin: PathBuf,
    data: PathBuf,
    as_user: Option<&'static str>,
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        let pg_ctl = self.bin.join("pg_ctl");
        let _ = command(self.as_user, &pg_ctl).args(["stop", "-m", "fast", "-D"]).arg(&self.data).status();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn command(as_user: Option<&str>, program: &std::path::Path) -> Command {
    match as_user {
        // initdb and postgres refuse to run as root.
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    }
}

fn answers(addr: &str) -> bool {
    addr.parse().is_ok_and(|a| TcpStream::connect_timeout(&a, Duration::from_millis(500)).is_ok())
}

pub fn ensure() -> Result<Postgres> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Ok(Postgres { url, temporary: None });
    }
    if answers("127.0.0.1:5432") {
        return Ok(Postgres { url: "postgres://postgres@127.0.0.1:5432/postgres".into(), temporary: None });
    }
    start_temporary()
}

fn start_temporary() -> Result<Postgres> {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .context("no PostgreSQL server installed (/usr/lib/postgresql); `cargo xtask setup` installs it")?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").exists())
        .max()
        .context("no initdb under /usr/lib/postgresql/*/bin")?;
    let as_user = crate::is_root().then_some("postgres");
    let data = std::env::temp_dir().join(format!("thanthien-pg-{}", std::process::id()));
    std::fs::create_dir_all(&data)?;
    if as_user.is_some() {
        Command::new("chown").args(["-R", "postgres:postgres"]).arg(&data).status()?;
    }
    let port = 54329;
    let cluster = TempCluster { bin: bin.clone(), data: data.clone(), as_user };
    let ok = command(as_user, &bin.join("initdb"))
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "-D"])
        .arg(&data)
        .stdout(std::process::Stdio::null())
        .status()?
        .success();
    if !ok {
        bail!("initdb failed");
    }
    let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", data.display());
    let ok = command(as_user, &bin.join("pg_ctl"))
        .args(["start", "-w", "-l"])
        .arg(data.join("log"))
        .args(["-D"])
        .arg(&data)
        .args(["-o", &options])
        .status()?
        .success();
    if !ok {
        bail!("the temporary PostgreSQL did not start; see {}", data.join("log").display());
    }
    eprintln!("xtask: started a temporary PostgreSQL on 127.0.0.1:{port}");
    Ok(Postgres { url: format!("postgres://postgres@127.0.0.1:{port}/postgres"), temporary: Some(cluster) })
}

/// The same database URL logged in as `user` (no password: the local cluster trusts loopback).
pub fn as_user(url: &str, user: &str) -> String {
    match url.split_once("://").and_then(|(scheme, rest)| rest.split_once('@').map(|(_, host)| (scheme, host))) {
        Some((scheme, host)) => format!("{scheme}://{user}@{host}"),
        None => url.replacen("://", &format!("://{user}@"), 1),
    }
}

impl Postgres {
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn url_redacted(&self) -> String {
        match self.url.split_once('@') {
            Some((_, host)) => format!("postgres://…@{host}"),
            None => self.url.clone(),
        }
    }

    /// Creates a database (for `run --with-server`) and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        let psql =
            Command::new("psql").arg(&self.url).args(["-q", "-c", &format!("CREATE DATABASE {name}")]).status()?;
        anyhow::ensure!(psql.success(), "cannot create database {name}");
        let base = self.url.rsplit_once('/').map_or(self.url.as_str(), |(b, _)| b);
        Ok(format!("{base}/{name}"))
    }

    pub fn drop_database(&self, name: &str) {
        let _ =
            Command::new("psql").arg(&self.url).args(["-q", "-c", &format!("DROP DATABASE IF EXISTS {name}")]).status();
    }

    /// True when this run started its own cluster (stopped on drop).
    pub fn is_temporary(&self) -> bool {
        self.temporary.is_some()
    }
}

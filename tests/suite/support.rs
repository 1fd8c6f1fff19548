//! Shared test parts: a real HTTP(S) server on 127.0.0.1, an OAuth token endpoint on top of it,
//! certificates made per test, and a runner for the real binary.

pub mod api_server;
pub mod bao;
pub mod bao_cluster;
pub mod cli;
pub mod measure;
pub mod oauth;
pub mod oidc;
pub mod pty;
pub mod report;
pub mod server;
pub mod tls;

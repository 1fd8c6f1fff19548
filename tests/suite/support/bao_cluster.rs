//! Three OpenBao nodes with integrated (Raft) storage on loopback ports: initialised, unsealed,
//! joined, KV version 2 at `secret/`, every node a voter. For the availability test.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::bao::{bao_bin, call};

pub struct Node {
    child: Child,
    pub addr: String,
}

pub struct Cluster {
    pub nodes: Vec<Node>,
    pub root: String,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A node on fresh ports; again on others when it exits at once (a port taken between
/// `free_port` and the server's bind, or the two ports alike).
fn start_node(dir: &Path, id: usize) -> Node {
    for _ in 0..3 {
        if let Some(node) = try_node(dir, id) {
            return node;
        }
    }
    panic!("node {id} did not start");
}

fn try_node(dir: &Path, id: usize) -> Option<Node> {
    let (api, mut cluster) = (free_port(), free_port());
    while cluster == api {
        cluster = free_port();
    }
    let data = dir.join(format!("n{id}"));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let config = format!(
        "storage \"raft\" {{\n  path = \"{}\"\n  node_id = \"n{id}\"\n  performance_multiplier = 1\n}}\nlistener \"tcp\" {{\n  address = \"127.0.0.1:{api}\"\n  cluster_address = \"127.0.0.1:{cluster}\"\n  tls_disable = true\n}}\napi_addr = \"http://127.0.0.1:{api}\"\ncluster_addr = \"http://127.0.0.1:{cluster}\"\ndisable_mlock = true\n",
        data.display()
    );
    let file = dir.join(format!("n{id}.hcl"));
    std::fs::write(&file, config).unwrap();
    let mut child = Command::new(bao_bin())
        .arg("server")
        .arg(format!("-config={}", file.display()))
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = format!("http://127.0.0.1:{api}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while call(&addr, "", "GET", "sys/health", None).0 == 0 {
        if child.try_wait().ok().flatten().is_some() {
            return None;
        }
        assert!(Instant::now() < deadline, "node {id} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Node { child, addr })
}

fn wait(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

impl Cluster {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let nodes: Vec<Node> = (1..=3).map(|i| start_node(dir.path(), i)).collect();
        let first = &nodes[0].addr;
        let (status, init) = call(
            first,
            "",
            "PUT",
            "sys/init",
            Some(r#"{"secret_shares":1,"secret_threshold":1}"#),
        );
        assert_eq!(status, 200, "{init}");
        let init: serde_json::Value = serde_json::from_str(&init).unwrap();
        let key = init["keys_base64"][0].as_str().unwrap().to_string();
        let root = init["root_token"].as_str().unwrap().to_string();
        let unseal = |addr: &str| {
            call(
                addr,
                "",
                "PUT",
                "sys/unseal",
                Some(&format!(r#"{{"key":"{key}"}}"#)),
            )
        };
        unseal(first);
        wait("a leader", 20, || {
            call(first, "", "GET", "sys/health", None).0 == 200
        });
        for node in &nodes[1..] {
            let join = format!(r#"{{"leader_api_addr":"{first}"}}"#);
            wait("a join", 20, || {
                call(&node.addr, "", "POST", "sys/storage/raft/join", Some(&join)).0 == 200
            });
            unseal(&node.addr);
        }
        let kv = r#"{"type":"kv","options":{"version":"2"}}"#;
        assert_eq!(
            call(first, &root, "POST", "sys/mounts/secret", Some(kv)).0,
            204
        );
        wait("three voters", 40, || {
            let (_, body) = call(first, &root, "GET", "sys/storage/raft/configuration", None);
            serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["data"]["config"]["servers"].as_array().cloned())
                .is_some_and(|s| s.len() == 3 && s.iter().all(|n| n["voter"] == true))
        });
        Self {
            nodes,
            root,
            _dir: dir,
        }
    }

    /// The address of the node that leads now.
    pub fn leader(&self) -> Option<String> {
        self.nodes
            .iter()
            .find(|n| call(&n.addr, "", "GET", "sys/health", None).0 == 200)
            .map(|n| n.addr.clone())
    }

    /// Kill the leader (SIGKILL); which one it was.
    pub fn kill_leader(&mut self) -> usize {
        let i = self
            .nodes
            .iter()
            .position(|n| call(&n.addr, "", "GET", "sys/health", None).0 == 200)
            .expect("a leader");
        let _ = self.nodes[i].child.kill();
        let _ = self.nodes[i].child.wait();
        i
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for n in &mut self.nodes {
            let _ = n.child.kill();
            let _ = n.child.wait();
        }
    }
}

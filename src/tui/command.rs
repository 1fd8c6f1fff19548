//! Work the pure update asks the runtime to do: network and keyring calls, file writes.

use crate::profile::Profile;
use crate::secret::Secret;
use crate::token::{ClientAuth, TokenRequest};

#[derive(Debug)]
pub enum Command {
    /// Run the token test in a task; its result comes back as `Msg::TestDone` with `attempt`.
    Test {
        attempt: u64,
        request: TokenRequest,
    },
    CancelTest,
    Save {
        name: String,
        profile: Box<Profile>,
        secret: Secret,
        make_default: bool,
    },
    Rotate {
        name: String,
        client_id: String,
        auth: ClientAuth,
        secret: Secret,
    },
    Verify {
        names: Vec<String>,
    },
    Delete {
        name: String,
    },
    LoadProfiles,
    Quit,
}

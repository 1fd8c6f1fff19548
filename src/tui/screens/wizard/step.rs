//! The wizard's steps, in the order of Coupa's documented procedure.

use crate::protocol::token::GrantType;
use crate::rules::provider::{FormField, Need, Provider};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Provider,
    Instance,
    GrantType,
    ClientName,
    Login,
    Contact,
    ContactEmail,
    Scopes,
    CreateClient,
    ClientId,
    ClientSecret,
    Review,
    Test,
    Save,
    Done,
}

pub const ALL: [Step; 14] = [
    Step::Provider,
    Step::Instance,
    Step::GrantType,
    Step::ClientName,
    Step::Login,
    Step::Contact,
    Step::ContactEmail,
    Step::Scopes,
    Step::CreateClient,
    Step::ClientId,
    Step::ClientSecret,
    Step::Review,
    Step::Test,
    Step::Save,
];

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Self::Provider => "Provider",
            Self::Instance => "Instance URL",
            Self::GrantType => "Grant type",
            Self::ClientName => "Client name",
            Self::Login => "Login",
            Self::Contact => "Contact name",
            Self::ContactEmail => "Contact email",
            Self::Scopes => "Scopes",
            Self::CreateClient => "Create the client",
            Self::ClientId => "Client id",
            Self::ClientSecret => "Client secret",
            Self::Review => "Review",
            Self::Test => "Live test",
            Self::Save => "Save",
            Self::Done => "Saved",
        }
    }

    /// Steps about creating the client: skipped by someone who already has one.
    pub fn creates_the_client(self) -> bool {
        matches!(
            self,
            Self::ClientName
                | Self::Login
                | Self::Contact
                | Self::ContactEmail
                | Self::CreateClient
        )
    }
}

/// The steps one setup goes through: the provider's client form decides which form steps
/// exist, and someone who already has a client skips the form and the checklist.
#[derive(Debug, Clone, Copy)]
pub struct Route<'a> {
    pub provider: &'a Provider,
    pub has_client: bool,
    pub grant: Option<GrantType>,
    /// A public client: no secret to enter.
    pub public: bool,
}

impl Route<'_> {
    /// Whether the proof step is a user's sign-in rather than a token request.
    pub fn signs_in(self) -> bool {
        self.grant.is_some_and(GrantType::is_user_grant)
    }

    pub fn title(self, step: Step) -> &'static str {
        match step {
            Step::Test if self.signs_in() => "Sign in",
            _ => step.title(),
        }
    }

    pub fn applies(self, step: Step) -> bool {
        if self.has_client && step.creates_the_client() {
            return false;
        }
        if step == Step::ClientSecret && self.public {
            return false;
        }
        let field = match step {
            Step::ClientName => FormField::Name,
            Step::Login => FormField::Login,
            Step::Contact => FormField::Contact,
            Step::ContactEmail => FormField::ContactEmail,
            _ => return true,
        };
        self.provider.need(field) != Need::Absent
    }

    pub fn steps(self) -> Vec<Step> {
        ALL.into_iter().filter(|s| self.applies(*s)).collect()
    }

    pub fn next(self, step: Step) -> Step {
        let steps = self.steps();
        steps
            .iter()
            .position(|s| *s == step)
            .and_then(|i| steps.get(i + 1))
            .copied()
            .unwrap_or(Step::Done)
    }

    pub fn prev(self, step: Step) -> Option<Step> {
        let steps = self.steps();
        let i = steps.iter().position(|s| *s == step)?;
        i.checked_sub(1).map(|j| steps[j])
    }

    /// "4/14" for the step indicator.
    pub fn position(self, step: Step) -> (usize, usize) {
        let steps = self.steps();
        let i = steps
            .iter()
            .position(|s| *s == step)
            .map_or(steps.len(), |i| i + 1);
        (i, steps.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_per_provider() {
        let route = |id, has_client| Route {
            provider: Provider::get(id).unwrap(),
            has_client,
            grant: None,
            public: false,
        };
        let coupa = route("coupa", false);
        assert_eq!(coupa.steps().len(), 14);
        assert_eq!(coupa.next(Step::ClientName), Step::Login);
        assert_eq!(coupa.position(Step::Login), (5, 14));
        assert_eq!(coupa.next(Step::Save), Step::Done);
        assert_eq!(coupa.prev(Step::Provider), None);
        let sn = route("servicenow", false);
        assert_eq!(sn.steps().len(), 11);
        assert_eq!(sn.next(Step::ClientName), Step::Scopes);
        assert_eq!(sn.prev(Step::Scopes), Some(Step::ClientName));
        assert_eq!(sn.position(Step::Scopes), (5, 11));
        let existing = route("coupa", true);
        assert_eq!(existing.next(Step::GrantType), Step::Scopes);
        assert_eq!(existing.next(Step::Scopes), Step::ClientId);
        assert_eq!(existing.steps().len(), 9);
        let public = Route {
            grant: Some(GrantType::AuthorizationCode),
            public: true,
            ..existing
        };
        assert_eq!(
            public.next(Step::ClientId),
            Step::Review,
            "no secret to enter"
        );
        assert_eq!(public.title(Step::Test), "Sign in");
        assert_eq!(existing.title(Step::Test), "Live test");
    }
}

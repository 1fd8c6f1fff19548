//! The wizard's steps, in the order of Coupa's documented procedure.

use crate::provider::{FormField, Need, Provider};

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

    /// The client-form steps appear only for the fields the provider's form has.
    pub fn applies(self, provider: &Provider) -> bool {
        let field = match self {
            Self::ClientName => FormField::Name,
            Self::Login => FormField::Login,
            Self::Contact => FormField::Contact,
            Self::ContactEmail => FormField::ContactEmail,
            _ => return true,
        };
        provider.need(field) != Need::Absent
    }

    pub fn steps(provider: &Provider) -> Vec<Step> {
        ALL.into_iter().filter(|s| s.applies(provider)).collect()
    }

    pub fn next(self, provider: &Provider) -> Step {
        let steps = Self::steps(provider);
        steps
            .iter()
            .position(|s| *s == self)
            .and_then(|i| steps.get(i + 1))
            .copied()
            .unwrap_or(Step::Done)
    }

    pub fn prev(self, provider: &Provider) -> Option<Step> {
        let steps = Self::steps(provider);
        let i = steps.iter().position(|s| *s == self)?;
        i.checked_sub(1).map(|j| steps[j])
    }

    /// "4/14" for the step indicator.
    pub fn position(self, provider: &Provider) -> (usize, usize) {
        let steps = Self::steps(provider);
        let i = steps
            .iter()
            .position(|s| *s == self)
            .map_or(steps.len(), |i| i + 1);
        (i, steps.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_per_provider() {
        let coupa = Provider::get("coupa").unwrap();
        assert_eq!(Step::steps(coupa).len(), 14);
        assert_eq!(Step::ClientName.next(coupa), Step::Login);
        assert_eq!(Step::Login.position(coupa), (5, 14));
        assert_eq!(Step::Save.next(coupa), Step::Done);
        assert_eq!(Step::Provider.prev(coupa), None);
        let sn = Provider::get("servicenow").unwrap();
        assert_eq!(Step::steps(sn).len(), 11);
        assert_eq!(Step::ClientName.next(sn), Step::Scopes);
        assert_eq!(Step::Scopes.prev(sn), Some(Step::ClientName));
        assert_eq!(Step::Scopes.position(sn), (5, 11));
    }
}

//! Dense ids, assigned in scenario order so that iterating by id is
//! deterministic and `Vec`-indexable.

use std::fmt;

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

dense_id!(
    /// A Mesos agent, numbered across agent groups in scenario order.
    AgentId,
    "agent-"
);
dense_id!(
    /// A Mesos framework: Spark applications first, then other frameworks.
    FrameworkId,
    "framework-"
);

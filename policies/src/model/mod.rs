//! The Mesos vocabulary: values and their text grammar, attributes,
//! resources with roles and static reservations, fixed-point scalars, ids.

mod agent_flags;
mod attributes;
mod ids;
mod name;
mod resources;
mod role;
mod scalar;
mod value;

pub use attributes::{Attribute, Attributes, ParsedAttributes};
pub use ids::{AgentId, FrameworkId};
pub use name::Name;
pub use resources::{Quantity, Resource, Resources};
pub use role::{UNRESERVED, is_allocatable_to, top_level, validate_role};
pub use scalar::Milli;
pub use value::{GrammarError, Ranges, Value, ValueKind, parse_value};

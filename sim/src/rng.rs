//! Named random streams from one master seed.
//!
//! Every consumer of randomness asks for its own stream by purpose and
//! entity (`("arrivals", app 3)`, `("allocator-shuffle", 0)`), so adding an
//! agent, an app or a policy never shifts the numbers another consumer
//! draws: common random numbers make compared runs fair. Streams are
//! ChaCha8 (a named, portable algorithm): the key comes from the master seed
//! (SplitMix64-expanded), the 64-bit stream id from the purpose and entity
//! (FNV-1a, then SplitMix64). Nothing here depends on the platform or the
//! Rust version.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

/// The factory of named streams for one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RngStreams {
    master_seed: u64,
}

/// SplitMix64's output function: a bijective 64-bit mixer.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over bytes.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

impl RngStreams {
    pub fn new(master_seed: u64) -> RngStreams {
        RngStreams { master_seed }
    }

    pub fn master_seed(&self) -> u64 {
        self.master_seed
    }

    /// The stream for `purpose` and `entity`. Asking twice gives two
    /// generators that produce the same numbers.
    pub fn stream(&self, purpose: &str, entity: u64) -> ChaCha8Rng {
        let mut key = [0u8; 32];
        let mut state = self.master_seed;
        for chunk in key.chunks_mut(8) {
            state = splitmix64(state);
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(splitmix64(fnv1a64(purpose.as_bytes()) ^ splitmix64(entity)));
        rng
    }

    /// The master seed of replication `r` (replication 0 keeps the seed).
    pub fn replication_seed(master_seed: u64, replication: u32) -> u64 {
        if replication == 0 {
            master_seed
        } else {
            splitmix64(master_seed ^ splitmix64(fnv1a64(b"replication") ^ u64::from(replication)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn snapshot_of_first_outputs() {
        // Pinned: if this changes, every report of every user changes.
        let mut rng = RngStreams::new(42).stream("arrivals", 3);
        let got: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(got, SNAPSHOT);
    }

    const SNAPSHOT: [u64; 3] = [
        874599940628570069,
        16901181821238873409,
        7640915912190660973,
    ];

    #[test]
    fn streams_are_reproducible_and_independent() {
        let s = RngStreams::new(7);
        let draw = |mut r: ChaCha8Rng| (0..4).map(|_| r.next_u64()).collect::<Vec<_>>();
        assert_eq!(draw(s.stream("arrivals", 1)), draw(s.stream("arrivals", 1)));
        assert_ne!(draw(s.stream("arrivals", 1)), draw(s.stream("arrivals", 2)));
        assert_ne!(
            draw(s.stream("arrivals", 1)),
            draw(s.stream("durations", 1))
        );
        assert_ne!(
            draw(s.stream("arrivals", 1)),
            draw(RngStreams::new(8).stream("arrivals", 1))
        );
    }

    #[test]
    fn replication_seeds() {
        assert_eq!(RngStreams::replication_seed(42, 0), 42);
        assert_ne!(
            RngStreams::replication_seed(42, 1),
            RngStreams::replication_seed(42, 2)
        );
        assert_eq!(
            RngStreams::replication_seed(42, 3),
            RngStreams::replication_seed(42, 3)
        );
    }
}

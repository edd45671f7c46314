//! What never raises without a declaration: the std shapes a user's crate
//! could not declare itself (the orphan rule), returned whole.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::hash::DefaultHasher;
use std::sync::Arc;

use concurrent_futures::{Handle, ThreadPoolExecutor};

#[test]
fn arrays_unsized_arcs_and_long_tuples_are_returned_not_raised() {
    let executor = ThreadPoolExecutor::new(2);
    // Each binding names the handle's type: `E` is `Infallible`.
    let digest: Handle<[u8; 32]> = executor.submit(|| [7u8; 32]).unwrap();
    let name: Handle<Arc<str>> = executor.submit(|| Arc::<str>::from("BR")).unwrap();
    let bytes: Handle<Box<[u8]>> =
        executor.submit(|| vec![1, 2].into_boxed_slice()).unwrap();
    let five: Handle<(u8, char, bool, &str, String)> = executor
        .submit(|| (1, 'a', true, "b", "c".to_string()))
        .unwrap();
    type Twelve = (u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8);
    let twelve: Handle<Twelve> = executor
        .submit(|| (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
        .unwrap();
    let text: Handle<Cow<'static, str>> =
        executor.submit(|| Cow::Borrowed("flag")).unwrap();
    type Seeded = HashMap<u8, u8, BuildHasherDefault<DefaultHasher>>;
    let seeded: Handle<Seeded> =
        executor.submit(|| Seeded::from_iter([(1, 2)])).unwrap();

    assert_eq!(digest.result(), Ok([7; 32]));
    assert_eq!(name.result().unwrap().as_ref(), "BR");
    assert_eq!(bytes.result().unwrap().as_ref(), [1, 2]);
    assert_eq!(five.result(), Ok((1, 'a', true, "b", "c".to_string())));
    assert_eq!(twelve.result().unwrap().11, 12);
    assert_eq!(text.result().unwrap(), "flag");
    assert_eq!(seeded.result().unwrap()[&1], 2);
    assert_eq!(digest.exception(), Ok(None), "an array is never raised");
}

//! Ordered maps that run on rayon's thread pool with the `parallel` feature and one after
//! another without it (the browser and plugin builds have no threads). The results come
//! back in the order of the items either way, so a parallel run reports exactly what a
//! sequential one does. The caller (`kubecheck check --jobs`) sizes the pool.

/// `f` over `items`, results in item order.
#[cfg(feature = "parallel")]
pub(crate) fn map<'t, T: Sync, R: Send>(
    items: &'t [T],
    f: impl Fn(&'t T) -> R + Sync + Send,
) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// `f` over `items`, results in item order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map<'t, T, R>(items: &'t [T], f: impl Fn(&'t T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}

/// `f` over owned `items`, results in item order.
#[cfg(feature = "parallel")]
pub(crate) fn map_vec<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.into_par_iter().map(f).collect()
}

/// `f` over owned `items`, results in item order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map_vec<T, R>(items: Vec<T>, f: impl Fn(T) -> R) -> Vec<R> {
    items.into_iter().map(f).collect()
}

/// The results `f` gives for owned `items`, in item order: no vector of the `None`s
/// first.
#[cfg(feature = "parallel")]
pub(crate) fn filter_map_vec<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(T) -> Option<R> + Sync + Send,
) -> Vec<R> {
    use rayon::prelude::*;
    items.into_par_iter().filter_map(f).collect()
}

/// The results `f` gives for owned `items`, in item order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn filter_map_vec<T, R>(items: Vec<T>, f: impl Fn(T) -> Option<R>) -> Vec<R> {
    items.into_iter().filter_map(f).collect()
}

//! Ports that carry an admin or data protocol: reachable from every namespace or from
//! the internet, they are where an attacker goes first. One row per port, with where the
//! assignment comes from (the IANA registry, or the project's own documentation).

/// What a sensitive port carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortKind {
    /// Remote administration or a control plane.
    Admin,
    /// A database, cache, queue or search store.
    Data,
}

pub struct SensitivePort {
    pub port: u16,
    pub service: &'static str,
    pub kind: PortKind,
    pub source: &'static str,
    /// For a port that other software commonly uses too (7000 is also Argo CD's
    /// webhook, 9092 many a metrics port): a word that the container's image or port
    /// name must contain for the row to apply. `None`: the port alone is enough.
    pub only_with: Option<&'static str>,
}

const IANA: &str =
    "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml";
const K8S_PORTS: &str = "https://kubernetes.io/docs/reference/networking/ports-and-protocols/";

/// Sorted by port.
pub static SENSITIVE_PORTS: &[SensitivePort] = &[
    SensitivePort { port: 22, service: "SSH", kind: PortKind::Admin, source: IANA, only_with: None },
    SensitivePort { port: 23, service: "Telnet", kind: PortKind::Admin, source: IANA, only_with: None },
    SensitivePort { port: 1433, service: "Microsoft SQL Server", kind: PortKind::Data, source: IANA, only_with: None },
    SensitivePort { port: 1521, service: "Oracle Database", kind: PortKind::Data, source: "https://docs.oracle.com/en/database/oracle/oracle-database/19/ladbi/oracle-database-default-port-numbers.html", only_with: None },
    SensitivePort { port: 2181, service: "ZooKeeper", kind: PortKind::Data, source: "https://zookeeper.apache.org/doc/current/zookeeperStarted.html", only_with: Some("zookeeper") },
    SensitivePort { port: 2375, service: "Docker Engine API (plain)", kind: PortKind::Admin, source: "https://docs.docker.com/engine/daemon/remote-access/", only_with: None },
    SensitivePort { port: 2376, service: "Docker Engine API (TLS)", kind: PortKind::Admin, source: "https://docs.docker.com/engine/security/protect-access/", only_with: None },
    SensitivePort { port: 2379, service: "etcd client", kind: PortKind::Admin, source: K8S_PORTS, only_with: None },
    SensitivePort { port: 2380, service: "etcd peer", kind: PortKind::Admin, source: K8S_PORTS, only_with: None },
    SensitivePort { port: 3306, service: "MySQL", kind: PortKind::Data, source: IANA, only_with: None },
    SensitivePort { port: 3389, service: "RDP", kind: PortKind::Admin, source: IANA, only_with: None },
    SensitivePort { port: 5432, service: "PostgreSQL", kind: PortKind::Data, source: IANA, only_with: None },
    SensitivePort { port: 5672, service: "AMQP (RabbitMQ)", kind: PortKind::Data, source: IANA, only_with: Some("rabbit") },
    SensitivePort { port: 5900, service: "VNC", kind: PortKind::Admin, source: IANA, only_with: None },
    SensitivePort { port: 5984, service: "CouchDB", kind: PortKind::Data, source: "https://docs.couchdb.org/en/stable/setup/cluster.html#ports-and-firewalls", only_with: Some("couch") },
    SensitivePort { port: 6379, service: "Redis", kind: PortKind::Data, source: "https://redis.io/docs/latest/operate/oss_and_stack/management/security/", only_with: None },
    SensitivePort { port: 7000, service: "Cassandra inter-node", kind: PortKind::Data, source: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html", only_with: Some("cassandra") },
    SensitivePort { port: 7001, service: "Cassandra inter-node (TLS)", kind: PortKind::Data, source: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html", only_with: Some("cassandra") },
    SensitivePort { port: 7199, service: "Cassandra JMX", kind: PortKind::Admin, source: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html", only_with: Some("cassandra") },
    SensitivePort { port: 8086, service: "InfluxDB", kind: PortKind::Data, source: "https://docs.influxdata.com/influxdb/v2/reference/internals/ports/", only_with: Some("influx") },
    SensitivePort { port: 9042, service: "Cassandra CQL", kind: PortKind::Data, source: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html", only_with: None },
    SensitivePort { port: 9092, service: "Kafka", kind: PortKind::Data, source: "https://kafka.apache.org/documentation/#brokerconfigs_listeners", only_with: Some("kafka") },
    SensitivePort { port: 9200, service: "Elasticsearch HTTP", kind: PortKind::Data, source: "https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-network.html", only_with: None },
    SensitivePort { port: 9300, service: "Elasticsearch transport", kind: PortKind::Data, source: "https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-network.html", only_with: Some("elastic") },
    SensitivePort { port: 10250, service: "kubelet API", kind: PortKind::Admin, source: K8S_PORTS, only_with: None },
    SensitivePort { port: 10255, service: "kubelet read-only API", kind: PortKind::Admin, source: "https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/", only_with: None },
    SensitivePort { port: 10257, service: "kube-controller-manager", kind: PortKind::Admin, source: K8S_PORTS, only_with: None },
    SensitivePort { port: 10259, service: "kube-scheduler", kind: PortKind::Admin, source: K8S_PORTS, only_with: None },
    SensitivePort { port: 11211, service: "Memcached", kind: PortKind::Data, source: IANA, only_with: Some("memcache") },
    SensitivePort { port: 15672, service: "RabbitMQ management", kind: PortKind::Admin, source: "https://www.rabbitmq.com/docs/networking#ports", only_with: Some("rabbit") },
    SensitivePort { port: 26257, service: "CockroachDB", kind: PortKind::Data, source: "https://www.cockroachlabs.com/docs/stable/cockroach-start", only_with: Some("cockroach") },
    SensitivePort { port: 27017, service: "MongoDB", kind: PortKind::Data, source: "https://www.mongodb.com/docs/manual/reference/default-mongodb-port/", only_with: None },
];

/// The row of `port`, if it is sensitive (TCP: every protocol in the table is), for a
/// container running `image` with the port named `name` (either may be empty; a row
/// with [`SensitivePort::only_with`] applies only when one of them names the product).
pub fn sensitive_for(port: u16, image: &str, name: &str) -> Option<&'static SensitivePort> {
    let row = sensitive(port)?;
    match row.only_with {
        None => Some(row),
        Some(word) => (image.to_ascii_lowercase().contains(word)
            || name.to_ascii_lowercase().contains(word))
        .then_some(row),
    }
}

/// The row of `port` whatever runs on it, for a Service port (no image known): only
/// rows that need no corroboration.
pub fn sensitive(port: u16) -> Option<&'static SensitivePort> {
    SENSITIVE_PORTS
        .binary_search_by_key(&port, |p| p.port)
        .ok()
        .map(|i| &SENSITIVE_PORTS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_unique_and_sourced() {
        assert!(SENSITIVE_PORTS.windows(2).all(|w| w[0].port < w[1].port));
        assert!(SENSITIVE_PORTS
            .iter()
            .all(|p| p.source.starts_with("https://") && !p.service.is_empty()));
        assert_eq!(sensitive(5432).map(|p| p.service), Some("PostgreSQL"));
        assert!(sensitive(8080).is_none());
        assert!(sensitive_for(7000, "quay.io/argoproj/argocd:v2.13.0", "webhook").is_none());
        assert!(sensitive_for(7000, "cassandra:5.0", "").is_some());
        assert!(sensitive_for(5432, "", "").is_some());
    }
}

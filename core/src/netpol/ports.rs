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
}

const IANA: &str =
    "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml";
const K8S_PORTS: &str = "https://kubernetes.io/docs/reference/networking/ports-and-protocols/";

/// Sorted by port.
pub static SENSITIVE_PORTS: &[SensitivePort] = &[
    SensitivePort { port: 22, service: "SSH", kind: PortKind::Admin, source: IANA },
    SensitivePort { port: 23, service: "Telnet", kind: PortKind::Admin, source: IANA },
    SensitivePort { port: 1433, service: "Microsoft SQL Server", kind: PortKind::Data, source: IANA },
    SensitivePort { port: 1521, service: "Oracle Database", kind: PortKind::Data, source: "https://docs.oracle.com/en/database/oracle/oracle-database/19/ladbi/oracle-database-default-port-numbers.html" },
    SensitivePort { port: 2181, service: "ZooKeeper", kind: PortKind::Data, source: "https://zookeeper.apache.org/doc/current/zookeeperStarted.html" },
    SensitivePort { port: 2375, service: "Docker Engine API (plain)", kind: PortKind::Admin, source: "https://docs.docker.com/engine/daemon/remote-access/" },
    SensitivePort { port: 2376, service: "Docker Engine API (TLS)", kind: PortKind::Admin, source: "https://docs.docker.com/engine/security/protect-access/" },
    SensitivePort { port: 2379, service: "etcd client", kind: PortKind::Admin, source: K8S_PORTS },
    SensitivePort { port: 2380, service: "etcd peer", kind: PortKind::Admin, source: K8S_PORTS },
    SensitivePort { port: 3306, service: "MySQL", kind: PortKind::Data, source: IANA },
    SensitivePort { port: 3389, service: "RDP", kind: PortKind::Admin, source: IANA },
    SensitivePort { port: 5432, service: "PostgreSQL", kind: PortKind::Data, source: IANA },
    SensitivePort { port: 5672, service: "AMQP (RabbitMQ)", kind: PortKind::Data, source: IANA },
    SensitivePort { port: 5900, service: "VNC", kind: PortKind::Admin, source: IANA },
    SensitivePort { port: 5984, service: "CouchDB", kind: PortKind::Data, source: "https://docs.couchdb.org/en/stable/setup/cluster.html#ports-and-firewalls" },
    SensitivePort { port: 6379, service: "Redis", kind: PortKind::Data, source: "https://redis.io/docs/latest/operate/oss_and_stack/management/security/" },
    SensitivePort { port: 7000, service: "Cassandra inter-node", kind: PortKind::Data, source: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html" },
    SensitivePort { port: 7001, service: "Cassandra inter-node (TLS)", kind: PortKind::Data, source: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html" },
    SensitivePort { port: 7199, service: "Cassandra JMX", kind: PortKind::Admin, source: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html" },
    SensitivePort { port: 8086, service: "InfluxDB", kind: PortKind::Data, source: "https://docs.influxdata.com/influxdb/v2/reference/internals/ports/" },
    SensitivePort { port: 9042, service: "Cassandra CQL", kind: PortKind::Data, source: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html" },
    SensitivePort { port: 9092, service: "Kafka", kind: PortKind::Data, source: "https://kafka.apache.org/documentation/#brokerconfigs_listeners" },
    SensitivePort { port: 9200, service: "Elasticsearch HTTP", kind: PortKind::Data, source: "https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-network.html" },
    SensitivePort { port: 9300, service: "Elasticsearch transport", kind: PortKind::Data, source: "https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-network.html" },
    SensitivePort { port: 10250, service: "kubelet API", kind: PortKind::Admin, source: K8S_PORTS },
    SensitivePort { port: 10255, service: "kubelet read-only API", kind: PortKind::Admin, source: "https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/" },
    SensitivePort { port: 10257, service: "kube-controller-manager", kind: PortKind::Admin, source: K8S_PORTS },
    SensitivePort { port: 10259, service: "kube-scheduler", kind: PortKind::Admin, source: K8S_PORTS },
    SensitivePort { port: 11211, service: "Memcached", kind: PortKind::Data, source: IANA },
    SensitivePort { port: 15672, service: "RabbitMQ management", kind: PortKind::Admin, source: "https://www.rabbitmq.com/docs/networking#ports" },
    SensitivePort { port: 26257, service: "CockroachDB", kind: PortKind::Data, source: "https://www.cockroachlabs.com/docs/stable/cockroach-start" },
    SensitivePort { port: 27017, service: "MongoDB", kind: PortKind::Data, source: "https://www.mongodb.com/docs/manual/reference/default-mongodb-port/" },
];

/// The row of `port`, if it is sensitive (TCP: every protocol in the table is).
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
    }
}

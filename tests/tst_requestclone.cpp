// RequestCloneReader: k8sreq-duplicator's RequestClone resources, as kubectl prints them, read
// into routes; and RouteSet reloading them from a mounted ConfigMap directory, or a routes file.
#include "dnsresponder.h"
#include "serve/requestclonereader.h"
#include "serve/routeset.h"
#include "targets/targetsource.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace herald;

namespace {

const QByteArray kubectlList = R"(apiVersion: v1
items:
- apiVersion: proxy.infra.doodle.com/v1beta1
  kind: RequestClone
  metadata:
    creationTimestamp: "2024-03-01T10:00:00Z"
    name: webhook-receiver-1
    namespace: apps
    resourceVersion: "4711"
  spec:
    backend:
      serviceName: webhook-receiver-app-1
      servicePort: http
    host: webhook-receiver.example.com
  status:
    conditions:
    - lastTransitionTime: "2024-03-01T10:00:01Z"
      message: Service backend ready
      reason: ServiceBackendReady
      status: "True"
      type: Ready
- apiVersion: proxy.infra.doodle.com/v1beta1
  kind: RequestClone
  metadata:
    name: webhook-receiver-2
    namespace: apps
  spec:
    backend:
      serviceName: webhook-receiver-app-2
      servicePort: "8080"
    host: Webhook-Receiver.example.com
kind: List
metadata:
  resourceVersion: ""
)";

const QByteArray kubectlJson = R"({
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "proxy.infra.doodle.com/v1beta1",
            "kind": "RequestClone",
            "metadata": {"name": "hooks", "namespace": "ci"},
            "spec": {"backend": {"serviceName": "builder", "servicePort": 80}, "host": "hooks.example.com"}
        }
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
)";

QByteArray clone(const QByteArray &name, const QByteArray &host, const QByteArray &service, const QByteArray &port)
{
    return "apiVersion: proxy.infra.doodle.com/v1beta1\nkind: RequestClone\nmetadata:\n  name: " + name
           + "\n  namespace: apps\nspec:\n  host: " + host + "\n  backend:\n    serviceName: " + service
           + "\n    servicePort: " + port + "\n";
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

} // namespace

class TestRequestClone : public QObject
{
    Q_OBJECT

private slots:
    // What kubectl prints, in each of its shapes: every RequestClone, its namespace, host and backend.
    void parsesWhatKubectlPrints_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("expected"); // namespace/name host service:port, per clone
        QTest::newRow("kubectl get -o yaml (a List)")
            << kubectlList
            << QStringList{"apps/webhook-receiver-1 webhook-receiver.example.com webhook-receiver-app-1:http",
                           "apps/webhook-receiver-2 webhook-receiver.example.com webhook-receiver-app-2:8080"};
        QTest::newRow("kubectl get -o json") << kubectlJson << QStringList{"ci/hooks hooks.example.com builder:80"};
        QTest::newRow("single document") << clone("one", "a.example", "svc", "http") << QStringList{"apps/one a.example svc:http"};
        QTest::newRow("multi-document, trailing ---")
            << "---\n" + clone("one", "a.example", "svc-a", "http") + "---\n" + clone("two", "b.example", "svc-b", "9000") + "---\n"
            << QStringList{"apps/one a.example svc-a:http", "apps/two b.example svc-b:9000"};
        QTest::newRow("no namespace means default")
            << QByteArray("kind: RequestClone\nmetadata: {name: x}\nspec: {host: x.example, backend: {serviceName: s, "
                          "servicePort: web}}\n")
            << QStringList{"default/x x.example s:web"};
        QTest::newRow("an empty List") << QByteArray("apiVersion: v1\nitems: []\nkind: List\n") << QStringList{};
    }
    void parsesWhatKubectlPrints()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, expected);
        QList<RequestCloneReader::Clone> clones;
        QString error;
        QVERIFY2(RequestCloneReader::parse(text, QStringLiteral("clones.yaml"), &clones, &error), qPrintable(error));
        QStringList got;
        for (const RequestCloneReader::Clone &c : clones)
            got.append(QStringLiteral("%1/%2 %3 %4:%5").arg(c.namespaceName, c.name, c.host, c.serviceName, c.servicePort));
        QCOMPARE(got, expected);
    }

    // A broken manifest names the file, the item (and the object) and the field.
    void badInputNamesFileItemAndField_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("host missing") << clone("a", "\"\"", "svc", "http")
                                      << "clones.yaml item 0 (apps/a): field spec.host: is required";
        QTest::newRow("host with a port") << clone("a", "a.example:8080", "svc", "http")
                                          << "clones.yaml item 0 (apps/a): field spec.host: expected a host name without port";
        QTest::newRow("port out of range") << clone("a", "a.example", "svc", "70000")
                                           << "clones.yaml item 0 (apps/a): field spec.backend.servicePort: '70000' is "
                                              "neither a port from 1 to 65535 nor a port name";
        QTest::newRow("service not a DNS label") << clone("a", "a.example", "My_Service", "http")
                                                 << "clones.yaml item 0 (apps/a): field spec.backend.serviceName: "
                                                    "'My_Service' is not a Service name";
        QTest::newRow("backend missing") << QByteArray("kind: RequestClone\nmetadata: {name: a}\nspec: {host: a.example}\n")
                                         << "clones.yaml item 0 (default/a): field spec.backend: is required";
        QTest::newRow("second item of a List")
            << "kind: List\nitems:\n- " + clone("a", "a.example", "s", "http").replace("\n", "\n  ")
                   + "\n- {kind: Service, metadata: {name: web}}\n"
            << "clones.yaml item 1: field kind: 'Service' is not RequestClone";
        QTest::newRow("not YAML") << QByteArray("kind: RequestClone\nspec: [unclosed\n") << "clones.yaml: line 3, column 1: ";
        QTest::newRow("a sequence") << QByteArray("- a\n- b\n")
                                    << "clones.yaml: expected a RequestClone or a List of them, not a sequence";
    }
    void badInputNamesFileItemAndField()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        QList<RequestCloneReader::Clone> clones;
        QString got;
        QVERIFY(!RequestCloneReader::parse(text, QStringLiteral("clones.yaml"), &clones, &got));
        QVERIFY2(got.startsWith(error), qPrintable(got));
    }

    // The RequestClones of one host are one route; each service is every pod of it, by DNS.
    void routesResolveServicesToEveryPod()
    {
        QList<RequestCloneReader::Clone> clones;
        QString error;
        QVERIFY2(RequestCloneReader::parse(kubectlList + "---\n" + clone("other", "b.example", "svc-b", "http"),
                                           QStringLiteral("c.yaml"), &clones, &error),
                 qPrintable(error));
        RequestCloneReader::Settings settings;
        settings.clusterDomain = QStringLiteral("k8s.internal");
        settings.nameserver = QHostAddress(QStringLiteral("127.0.0.77"));
        settings.defaults.policy.kind = OutcomePolicy::Kind::Async;
        const RouteTable table = RequestCloneReader::routes(clones, settings);
        QCOMPARE(table.routes.size(), 2);
        const Route &first = table.routes.at(0);
        QCOMPARE(first.host, QStringLiteral("webhook-receiver.example.com"));
        QCOMPARE(first.name, QStringLiteral("apps/webhook-receiver-1,apps/webhook-receiver-2"));
        QCOMPARE(first.options.policy.kind, OutcomePolicy::Kind::Async);
        QCOMPARE(first.targets.size(), 2);
        // A named port: the SRV records Kubernetes publishes for it, so every pod with its port.
        QCOMPARE(first.targets.at(0).kind, TargetSourceSpec::Kind::Srv);
        QCOMPARE(first.targets.at(0).name, QStringLiteral("_http._tcp.webhook-receiver-app-1.apps.svc.k8s.internal"));
        // A number: every A/AAAA record of the service's name (a headless service: every pod).
        QCOMPARE(first.targets.at(1).kind, TargetSourceSpec::Kind::Dns);
        QCOMPARE(first.targets.at(1).name, QStringLiteral("webhook-receiver-app-2.apps.svc.k8s.internal"));
        QCOMPARE(first.targets.at(1).port, 8080);
        QCOMPARE(first.targets.at(1).nameserver, settings.nameserver);
        QCOMPARE(table.routes.at(1).host, QStringLiteral("b.example"));
        QVERIFY(table.match("WEBHOOK-receiver.example.com:8080", "/any") == 0);
        QVERIFY(table.match("c.example", "/") < 0);
    }

    // A mounted ConfigMap: its keys are symlinks into ..data; only *.yaml, *.yml and *.json count,
    // and replacing ..data (how the kubelet updates it) reloads the routes.
    void configMapDirectoryReloads()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir root(dir.path());
        QVERIFY(root.mkdir(QStringLiteral("..2024_01")));
        QVERIFY(writeFile(root.filePath(QStringLiteral("..2024_01/clones.yaml")), clone("one", "a.example", "svc-a", "http")));
        QVERIFY(writeFile(root.filePath(QStringLiteral("..2024_01/notes.txt")), "not a manifest"));
        QVERIFY(QFile::link(QStringLiteral("..2024_01"), root.filePath(QStringLiteral("..data"))));
        QVERIFY(QFile::link(QStringLiteral("..data/clones.yaml"), root.filePath(QStringLiteral("clones.yaml"))));
        QVERIFY(QFile::link(QStringLiteral("..data/notes.txt"), root.filePath(QStringLiteral("notes.txt"))));
        QCOMPARE(RequestCloneReader::files(dir.path()), QStringList{root.filePath(QStringLiteral("clones.yaml"))});

        RouteSet routes(dir.path(), RequestCloneReader::Settings());
        QString error;
        QVERIFY2(routes.load(&error), qPrintable(error));
        QCOMPARE(routes.table().routes.size(), 1);
        QCOMPARE(routes.table().routes.at(0).host, QStringLiteral("a.example"));

        QSignalSpy reloaded(&routes, &RouteSet::reloaded);
        QVERIFY(root.mkdir(QStringLiteral("..2024_02")));
        QVERIFY(writeFile(root.filePath(QStringLiteral("..2024_02/clones.yaml")),
                          clone("one", "a.example", "svc-a", "http") + "---\n" + clone("two", "b.example", "svc-b", "http")));
        QVERIFY(writeFile(root.filePath(QStringLiteral("..2024_02/notes.txt")), "not a manifest"));
        QVERIFY(QFile::link(QStringLiteral("..2024_02"), root.filePath(QStringLiteral("..data_tmp"))));
        QVERIFY(QFile::rename(root.filePath(QStringLiteral("..data_tmp")), root.filePath(QStringLiteral("..data")))
                || (QFile::remove(root.filePath(QStringLiteral("..data")))
                    && QFile::rename(root.filePath(QStringLiteral("..data_tmp")), root.filePath(QStringLiteral("..data")))));
        QVERIFY(reloaded.wait(8000));
        QCOMPARE(routes.table().routes.size(), 2);

        // A broken update keeps the last good routes and says where it is broken.
        QSignalSpy failed(&routes, &RouteSet::reloadFailed);
        QVERIFY(writeFile(root.filePath(QStringLiteral("..2024_02/clones.yaml")), clone("bad", "b.example", "svc-b", "0")));
        QVERIFY(failed.wait(8000));
        QVERIFY2(failed.first().first().toString().contains(QLatin1String("clones.yaml item 0 (apps/bad): field "
                                                                          "spec.backend.servicePort")),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(routes.table().routes.size(), 2);
    }
    // A reload keeps the live source of a route whose targets did not change, and the new table
    // takes over only once its new sources have answered: while a new route's name is being looked
    // up, the old routes still serve (tst_seeds had met 503 "no targets" in that window).
    void aReloadServesTheOldRoutesUntilTheNewTargetsAreLookedUp()
    {
        herald::test::DnsResponder dns;
        QString error;
        if (!dns.start(&error)) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL(qPrintable(error));
            QSKIP(qPrintable(error));
        }
        dns.answer(herald::test::DnsResponder::A, {QHostAddress(QStringLiteral("127.0.0.1"))});
        dns.answer(herald::test::DnsResponder::AAAA, {});
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("routes.json"));
        const QByteArray kept = "{\"host\": \"a.example\", \"targets\": {\"static\": [\"http://127.0.0.1:6081\"]}}";
        QVERIFY(writeFile(path, "{\"routes\": [" + kept + "]}"));
        RouteSet routes(path, BroadcastOptions());
        QVERIFY2(routes.load(&error), qPrintable(error));
        TargetSource *live = routes.source(0);
        QTRY_VERIFY(live->isResolved());

        dns.hold();
        QSignalSpy reloaded(&routes, &RouteSet::reloaded);
        QVERIFY(writeFile(path, "{\"routes\": [" + kept
                                    + ", {\"host\": \"b.example\", \"targets\": {\"dns\": "
                                      "\"pods.test:6082\", \"nameserver\": \""
                                    + dns.address().toString().toUtf8() + "\"}}]}"));
        QTRY_VERIFY_WITH_TIMEOUT(dns.queriesHeld() > 0, 8000); // the file was read, the new name is being looked up
        QCOMPARE(reloaded.count(), 0);
        QCOMPARE(routes.table().routes.size(), 1);
        QCOMPARE(routes.source(0), live);

        dns.release();
        QVERIFY(reloaded.wait(5000));
        QCOMPARE(routes.table().routes.size(), 2);
        QCOMPARE(routes.source(0), live); // the unchanged route kept its source and its targets
        QCOMPARE(routes.source(0)->targets().size(), 1);
        QCOMPARE(routes.source(1)->targets().size(), 1);
        QCOMPARE(routes.source(1)->targets().first().key(), QStringLiteral("http://127.0.0.1:6082"));

        // A route whose targets changed gets a new source; the one it replaces goes.
        QPointer<TargetSource> replaced = routes.source(1);
        QVERIFY(writeFile(path, "{\"routes\": [" + kept
                                    + ", {\"host\": \"b.example\", \"targets\": {\"static\": [\"http://127.0.0.1:6083\"]}}]}"));
        QVERIFY(reloaded.wait(8000));
        QCOMPARE(routes.source(0), live);
        QCOMPARE(routes.source(1)->targets().first().key(), QStringLiteral("http://127.0.0.1:6083"));
        QTRY_VERIFY(replaced.isNull());
    }
};

QTEST_GUILESS_MAIN(TestRequestClone)
#include "tst_requestclone.moc"

// The Drills panel offscreen: pickers filled from the ServiceStore (the chaos context only), Run kept off
// without an opsdeck-sim, live phases and the outcome of a run driven through a fake chaos API, and the
// results table from the journal's drill runs against the RTO (QSettings restore/rtoMinutes).

#include "../unit/models/estatebuilder.h"

#include "drillrunner.h"
#include "drillspanel.h"
#include "drillstore.h"
#include "journal.h"
#include "servicestore.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Test;

class TestDrillsPanel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("opsdeck-test"));
        QSettings().setValue(QStringLiteral("restore/rtoMinutes"), 1);
    }

    void panel()
    {
        ServiceStore services;
        std::vector<Observation> estate = allSynced();
        append(estate, service(QStringLiteral("productservice"), 3, 1));
        append(estate, service(QStringLiteral("orderservice"), 4, 1));
        append(estate, service(QStringLiteral("elsewhere"), 1, 0, QStringLiteral("other")));
        services.apply(batch(estate));
        services.flush();

        const QString path = m_dir.filePath(QStringLiteral("journal.sqlite"));
        Journal journal;
        QVERIFY(journal.open(path));
        DrillStore store;
        QVERIFY(store.open(path));
        // A past run that took longer than the 1 min RTO.
        DrillRun slow;
        slow.scenario = QStringLiteral("pod-failure");
        slow.service = ServiceKey{Ctx, Ns, QStringLiteral("orderservice")};
        slow.status = QStringLiteral("recovered");
        slow.faultAt = QDateTime::currentDateTimeUtc().addSecs(-600);
        slow.detectedAt = slow.faultAt.addSecs(20);
        slow.clearedAt = slow.detectedAt;
        slow.recoveredAt = slow.faultAt.addSecs(90);
        QVERIFY(store.add(slow));

        DrillRunner runner;
        QList<ChaosCall> sent;
        runner.setChaosSender([&](const ChaosCall &call, QObject *, SimChaos::Done done) {
            sent << call;
            done(QJsonObject());
        });
        runner.setStore(&store);
        DrillsPanel panel(&runner, &store, nullptr, &services);
        panel.setConfirmRuns(false);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));

        // Without the sim's chaos API nothing can be run.
        QVERIFY(!panel.runButton()->isEnabled());
        QVERIFY(panel.statusLabel()->text().contains(QStringLiteral("--demo")));
        QCOMPARE(panel.statusLabel()->textFormat(), Qt::PlainText);
        QCOMPARE(panel.scenarioBox()->count(), 4);
        QCOMPARE(panel.scenarioBox()->itemData(1).toString(), QStringLiteral("database-failure"));
        // Every service of the store (no chaos context: all), sorted.
        QStringList names;
        for (int i = 0; i < panel.serviceBox()->count(); ++i)
            names << panel.serviceBox()->itemText(i);
        QCOMPARE(names, (QStringList{QStringLiteral("microservices/elsewhere"), QStringLiteral("microservices/orderservice"),
                                     QStringLiteral("microservices/productservice")}));
        for (QWidget *w : {static_cast<QWidget *>(panel.scenarioBox()), static_cast<QWidget *>(panel.serviceBox()),
                           static_cast<QWidget *>(panel.runButton()), static_cast<QWidget *>(panel.cancelButton()),
                           static_cast<QWidget *>(panel.results())})
            QVERIFY(!w->accessibleName().isEmpty());
        QVERIFY(!panel.scenarioBox()->view()->accessibleName().isEmpty());
        QVERIFY(!panel.serviceBox()->view()->accessibleName().isEmpty());

        // The past run against the RTO: 90 s of a 1 min RTO is exceeded, and says so in text.
        QCOMPARE(panel.results()->rowCount(), 1);
        QCOMPARE(panel.results()->item(0, 4)->text(), QStringLiteral("20"));
        QCOMPARE(panel.results()->item(0, 5)->text(), QStringLiteral("90"));
        QVERIFY(panel.results()->item(0, 6)->text().startsWith(QStringLiteral("EXCEEDED (150 %")));

        // A run driven by the runner shows its phases live, then lands in the table.
        QVERIFY(runner.start(QStringLiteral("high-latency"), ServiceKey{Ctx, Ns, QStringLiteral("productservice")}));
        QCOMPARE(sent.size(), 1);
        QVERIFY(panel.cancelButton()->isEnabled());
        QVERIFY(!panel.scenarioBox()->isEnabled());
        QVERIFY(panel.phaseLabels().at(0)->text().contains(QStringLiteral("done")));
        QVERIFY(panel.phaseLabels().at(1)->text().contains(QStringLiteral("running")));
        QCOMPARE(panel.results()->rowCount(), 2);
        QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
        QCOMPARE(runner.run().status, QStringLiteral("failed"));
        QCOMPARE(sent.size(), 2); // the clear
        QVERIFY(!panel.cancelButton()->isEnabled());
        QVERIFY(panel.phaseLabels().at(1)->text().contains(QStringLiteral("not reached")));
        QCOMPARE(panel.results()->item(0, 3)->text(), QStringLiteral("failed"));
        QCOMPARE(panel.results()->item(0, 7)->text(), QStringLiteral("cancelled"));
    }
};

QTEST_MAIN(TestDrillsPanel)
#include "tst_drillspanel.moc"

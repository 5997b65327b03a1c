// AlertTableModel: the engine's active alerts (worst first) as rows with their roles, relative times on a
// FakeClock with absolute tooltips, the history from the engine or the alert log (newest first, with
// live acknowledgements), and counts in words.

#include "alertengine.h"
#include "alertlog.h"
#include "alerttablemodel.h"
#include "fakeclock.h"
#include "journal.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace std::chrono_literals;

namespace {

ServiceSummary service(const QString &name, bool breakerOpen, Health health = Health::Healthy)
{
    ServiceSummary s;
    s.key = ServiceKey { QStringLiteral("sim"), QStringLiteral("shop"), name };
    s.health = health;
    s.pods = s.readyPods = 2;
    if (breakerOpen) {
        BreakerSummary b;
        b.name = QStringLiteral("db");
        b.state = BreakerState::State::Open;
        s.breakers << b;
    }
    return s;
}

} // namespace

class TestAlertTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void activeRowsAndRoles()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings;
        settings.holdDownSeconds = 0;
        settings.healthSeconds = 0;
        engine.setSettings(settings);
        AlertTableModel model(&engine, nullptr, clock);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(AlertTableModel::ColumnCount));

        engine.setServices({ service(QStringLiteral("cart"), false, Health::Degraded),
                             service(QStringLiteral("orders"), true) });
        engine.evaluate();
        QSignalSpy reloaded(&model, &AlertTableModel::reloaded);
        QVERIFY(reloaded.wait(1000)); // coalesced
        QCOMPARE(model.rowCount(), 2);
        // Worst first: the critical breaker before the degraded health.
        QCOMPARE(model.index(0, AlertTableModel::RuleColumn).data().toString(),
                 QStringLiteral("breaker-open"));
        QCOMPARE(model.index(0, AlertTableModel::SeverityColumn).data().toString(),
                 QStringLiteral("Critical"));
        QCOMPARE(model.index(0, AlertTableModel::SeverityColumn).data(AlertTableModel::SeverityRole).toInt(),
                 int(Alert::Severity::Critical));
        QCOMPARE(model.index(1, AlertTableModel::SeverityColumn).data().toString(),
                 QStringLiteral("Warning"));
        QCOMPARE(model.index(0, AlertTableModel::ServiceColumn).data().toString(),
                 QStringLiteral("shop/orders"));
        QCOMPARE(model.index(0, 0).data(AlertTableModel::ServiceKeyRole).value<ServiceKey>().name,
                 QStringLiteral("orders"));
        QVERIFY(model.index(0, 0).data(AlertTableModel::ActiveRole).toBool());
        QCOMPARE(model.rowOf(engine.active().constFirst().id), 0);
        QCOMPARE(model.activeCount(), 2);

        // Relative since, absolute tooltip; refreshTimes() moves the relative text on.
        QCOMPARE(model.index(0, AlertTableModel::SinceColumn).data().toString(), QStringLiteral("0 s ago"));
        QCOMPARE(model.index(0, AlertTableModel::SinceColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("2025-01-01 12:00:00 UTC"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        clock.advance(5min);
        model.refreshTimes();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(0, AlertTableModel::SinceColumn).data().toString(), QStringLiteral("5 min ago"));
        QCOMPARE(model.index(0, AlertTableModel::AcknowledgedColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Not acknowledged"));

        engine.acknowledge(engine.active().constFirst().id, QStringLiteral("alice"));
        QVERIFY(reloaded.wait(1000));
        QCOMPARE(model.index(0, AlertTableModel::AcknowledgedColumn).data().toString(),
                 QStringLiteral("alice"));
    }

    void historyFromEngineAndLog()
    {
        QTemporaryDir dir;
        Journal journal;
        QVERIFY(journal.open(dir.filePath(QStringLiteral("journal.sqlite"))));
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings;
        settings.holdDownSeconds = 0;
        engine.setSettings(settings);
        AlertLog log(clock);
        QVERIFY(log.open(journal.path()));
        log.attach(&engine);

        engine.setServices({ service(QStringLiteral("orders"), true) });
        engine.evaluate();
        clock.advance(1min);
        engine.setServices({ service(QStringLiteral("orders"), false) });
        engine.evaluate(); // ended
        clock.advance(1min);
        engine.setServices({ service(QStringLiteral("cart"), true) });
        engine.evaluate(); // a newer, active one

        for (AlertLog *source : { static_cast<AlertLog *>(nullptr), &log }) {
            AlertTableModel model(&engine, source, clock);
            model.setMode(AlertTableModel::Mode::History);
            QCOMPARE(model.rowCount(), 2);
            QCOMPARE(model.alert(0).service.name, QStringLiteral("cart")); // newest first
            QCOMPARE(model.index(0, AlertTableModel::EndedColumn).data().toString(),
                     QStringLiteral("active"));
            QCOMPARE(model.alert(1).service.name, QStringLiteral("orders"));
            QCOMPARE(model.index(1, AlertTableModel::EndedColumn).data().toString(),
                     QStringLiteral("1 min ago"));
            QVERIFY(!model.index(1, 0).data(AlertTableModel::ActiveRole).toBool());
            QCOMPARE(model.activeCount(), 1);
            model.setHistoryLimit(1);
            QCOMPARE(model.rowCount(), 1);
            model.setMode(AlertTableModel::Mode::Active);
            QCOMPARE(model.rowCount(), 1);
        }
    }

    void countText()
    {
        QCOMPARE(AlertTableModel::countText(1), QStringLiteral("1 alert"));
        QCOMPARE(AlertTableModel::countText(3), QStringLiteral("3 alerts"));
        Alert estate;
        QCOMPARE(AlertTableModel::serviceText(estate), QStringLiteral("Estate"));
    }
};

QTEST_GUILESS_MAIN(TestAlertTableModel)
#include "tst_alerttablemodel.moc"

#include "sourcelistmodel.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;

class tst_SourceListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void pluginsThenErrors();
    void statusUpdatesOneRow();
    void rescanKeepsStatus();

private:
    static PluginInfo plugin(const QString &id);
};

void tst_SourceListModel::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

PluginInfo tst_SourceListModel::plugin(const QString &id)
{
    PluginInfo info;
    info.id = id;
    info.name = id.toUpper();
    info.version = QStringLiteral("1.2.3");
    info.fileName = QStringLiteral("/p/lib%1.so").arg(id);
    info.observations = {QStringLiteral("resources")};
    info.actions = {QStringLiteral("scale")};
    return info;
}

void tst_SourceListModel::pluginsThenErrors()
{
    SourceListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    const Error broken{ErrorKind::Plugin, QStringLiteral("plugin /p/libbad.so: wrong interface id 'x'"), {}, std::nullopt};
    model.setPlugins({plugin(QStringLiteral("kubernetes")), plugin(QStringLiteral("costs"))}, {broken});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.pluginCount(), 2);
    QCOMPARE(model.errorCount(), 1);

    const QModelIndex first = model.index(0);
    QCOMPARE(first.data(SourceListModel::IdRole).toString(), QStringLiteral("kubernetes"));
    QCOMPARE(first.data(SourceListModel::StateRole).toString(), QStringLiteral("Loaded"));
    QCOMPARE(first.data(SourceListModel::KindRole).toString(), QStringLiteral("plugin"));
    QCOMPARE(first.data(Qt::DisplayRole).toString(), QStringLiteral("KUBERNETES 1.2.3 — Loaded"));
    QCOMPARE(first.data(SourceListModel::ActionsRole).toStringList(), QStringList{QStringLiteral("scale")});

    const QModelIndex error = model.index(2);
    QCOMPARE(error.data(SourceListModel::KindRole).toString(), QStringLiteral("error"));
    QCOMPARE(error.data(SourceListModel::StateRole).toString(), QStringLiteral("Error"));
    QVERIFY(error.data(Qt::DisplayRole).toString().contains(QLatin1String("libbad.so")));
    QVERIFY(error.data(SourceListModel::IdRole).isNull());
}

void tst_SourceListModel::statusUpdatesOneRow()
{
    SourceListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPlugins({plugin(QStringLiteral("a")), plugin(QStringLiteral("b"))}, {});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    SourceStatus down{SourceStatus::State::Down, {}, Error{ErrorKind::Network, QStringLiteral("connection refused"), {}, std::nullopt}};
    model.setSourceStatus(QStringLiteral("b"), down);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(model.index(1).data(SourceListModel::StateRole).toString(), QStringLiteral("Down"));
    QCOMPARE(model.index(1).data(SourceListModel::ErrorRole).toString(), QStringLiteral("connection refused"));
    QCOMPARE(model.index(0).data(SourceListModel::StateRole).toString(), QStringLiteral("Loaded"));

    model.setSourceStatus(QStringLiteral("unknown"), down);
    QCOMPARE(changed.size(), 1);
}

void tst_SourceListModel::rescanKeepsStatus()
{
    SourceListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPlugins({plugin(QStringLiteral("a"))}, {});
    model.setSourceStatus(QStringLiteral("a"), SourceStatus{SourceStatus::State::Ok, QDateTime::currentDateTimeUtc(), std::nullopt});
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setPlugins({plugin(QStringLiteral("z")), plugin(QStringLiteral("a"))}, {});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.index(1).data(SourceListModel::StateRole).toString(), QStringLiteral("Ok"));
    QVERIFY(model.index(1).data(SourceListModel::LastSuccessRole).toDateTime().isValid());
}

QTEST_GUILESS_MAIN(tst_SourceListModel)
#include "tst_sourcelistmodel.moc"

#include "../unit/models/estatebuilder.h"
#include "healthstyle.h"
#include "mainwindow.h"
#include "pluginloader.h"
#include "servicestore.h"
#include "servicetablemodel.h"
#include "sourcelistmodel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QTableView>
#include <QGroupBox>
#include <QLabel>
#include <QListView>
#include <QStatusBar>
#include <QTest>

using namespace Opsdeck;

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyReadableWidgetHasAName();
    void showsTheLoadedPlugin();
    void showsTheConnection();
    void showsTheServices();
    void detailPaneFollowsTheSelection();
    void pickersAndFilterNarrowTheTable();
    void keyboardReachesEverything();
    void staleContextIsMarked();
    void rendersOffscreen();

private:
    template<typename T>
    T *named(const QString &accessibleName) const;

    PluginLoader m_loader{QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)}};
    SourceListModel m_model;
    ServiceStore m_store;
    std::unique_ptr<MainWindow> m_window;
};

template<typename T>
T *tst_MainWindow::named(const QString &accessibleName) const
{
    const QList<T *> widgets = m_window->findChildren<T *>();
    for (T *w : widgets) {
        if (w->accessibleName() == accessibleName)
            return w;
    }
    return nullptr;
}

void tst_MainWindow::initTestCase()
{
    QCOMPARE(QGuiApplication::platformName(), QStringLiteral("offscreen"));
    m_loader.load();
    m_model.setPlugins(m_loader.plugins(), m_loader.errors());
    registerObservationMetaTypes();
    m_window = std::make_unique<MainWindow>(&m_model, &m_store);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_MainWindow::everyReadableWidgetHasAName()
{
    QCOMPARE(m_window->windowTitle(), QStringLiteral("Opsdeck"));
    QVERIFY(named<QGroupBox>(QStringLiteral("Sources")));
    QVERIFY(named<QListView>(QStringLiteral("Plugins")));
    QVERIFY(named<QTableView>(QStringLiteral("Services")));
    QVERIFY(named<QTableView>(QStringLiteral("Pods")));
    QVERIFY(named<QTableView>(QStringLiteral("Events")));
    QVERIFY(named<QLineEdit>(QStringLiteral("Filter services")));
    QVERIFY(named<QComboBox>(QStringLiteral("Context")));
    QVERIFY(named<QComboBox>(QStringLiteral("Namespace")));
    QVERIFY(named<QCheckBox>(QStringLiteral("Only problems")));
    for (const QString &name : {QStringLiteral("Connected context"), QStringLiteral("Server"), QStringLiteral("Server version"),
                                QStringLiteral("Connection state"), QStringLiteral("Status")})
        QVERIFY2(named<QLabel>(name), qPrintable(name));
    // Every label with text that a person reads, and every view, says what it is.
    for (QLabel *label : m_window->findChildren<QLabel *>()) {
        if (label->buddy() || label->text().endsWith(QLatin1Char(':')))
            continue; // form captions name their field
        QVERIFY2(!label->accessibleName().isEmpty(), qPrintable(QStringLiteral("unnamed label: ") + label->text()));
    }
    for (QAbstractItemView *view : m_window->findChildren<QAbstractItemView *>())
        QVERIFY2(!view->accessibleName().isEmpty(), view->metaObject()->className());
}

void tst_MainWindow::showsTheLoadedPlugin()
{
    auto *plugins = named<QListView>(QStringLiteral("Plugins"));
    QVERIFY(plugins);
    QCOMPARE(plugins->model(), &m_model);
    QVERIFY(plugins->model()->rowCount() >= 1);
    bool found = false;
    for (int row = 0; row < plugins->model()->rowCount(); ++row) {
        const QModelIndex index = plugins->model()->index(row, 0);
        if (index.data(SourceListModel::IdRole).toString() == QLatin1String("test")) {
            found = true;
            QCOMPARE(index.data(Qt::DisplayRole).toString(), QStringLiteral("Test source 1.0.0 — Loaded"));
            QVERIFY(plugins->visualRect(index).isValid()); // laid out, so on screen
        }
    }
    QVERIFY(found);
    QVERIFY(named<QLabel>(QStringLiteral("Sources summary"))->text().contains(QLatin1String("loaded")));
}

void tst_MainWindow::showsTheConnection()
{
    m_window->setConnection(ConnectionInfo{ConnectionInfo::State::Connected, QStringLiteral("opsdeck-sim"),
                                           QStringLiteral("https://127.0.0.1:6443"), QStringLiteral("v1.31.0"), {}});
    QCOMPARE(named<QLabel>(QStringLiteral("Connected context"))->text(), QStringLiteral("opsdeck-sim"));
    // A zero-width space lets the URL wrap after its scheme instead of losing the port off the edge.
    QCOMPARE(named<QLabel>(QStringLiteral("Server"))->text().remove(QChar(0x200B)), QStringLiteral("https://127.0.0.1:6443"));
    QCOMPARE(named<QLabel>(QStringLiteral("Server version"))->text(), QStringLiteral("v1.31.0"));
    QCOMPARE(named<QLabel>(QStringLiteral("Connection state"))->text(), QStringLiteral("Connected"));
    QVERIFY(named<QLabel>(QStringLiteral("Status"))->text().contains(QLatin1String("v1.31.0")));

    // Server-supplied text is never rendered as rich text.
    m_window->setConnection(ConnectionInfo{ConnectionInfo::State::Failed, QStringLiteral("<b>ctx</b>"), {}, {},
                                           QStringLiteral("<img src=x> refused")});
    QCOMPARE(named<QLabel>(QStringLiteral("Connected context"))->textFormat(), Qt::PlainText);
    QCOMPARE(named<QLabel>(QStringLiteral("Connection message"))->textFormat(), Qt::PlainText);
    QCOMPARE(named<QLabel>(QStringLiteral("Connection state"))->text(), QStringLiteral("Connection failed"));
    QVERIFY(named<QLabel>(QStringLiteral("Status"))->text().contains(QLatin1String("refused")));
}

using namespace Opsdeck::Test;

void tst_MainWindow::showsTheServices()
{
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    append(obs, service(QStringLiteral("orderservice"), 4, 1));
    append(obs, service(QStringLiteral("notificationservice"), 2, 1));
    obs.push_back(added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 10)));
    // A hostile event message must stay text.
    EventInfo hostile = eventInfo(QStringLiteral("e1"), QStringLiteral("Pod"), QStringLiteral("orderservice-stable-0"), true,
                                  QStringLiteral("BackOff"), 3);
    hostile.message = QStringLiteral("<b>bold</b><img src=x>");
    obs.push_back(added(ResourceKind::Event, hostile.name, hostile));
    m_store.apply(batch(std::move(obs)));
    m_store.flush();

    auto *table = named<QTableView>(QStringLiteral("Services"));
    QAbstractItemModel *model = table->model();
    QCOMPARE(model->rowCount(), 3);
    QVERIFY(table->isSortingEnabled());
    QHash<QString, int> rowOf;
    for (int row = 0; row < 3; ++row)
        rowOf.insert(model->index(row, ServiceTableModel::NameColumn).data().toString(), row);
    QCOMPARE(rowOf.keys().size(), 3);
    const int product = rowOf.value(QStringLiteral("productservice"));
    QCOMPARE(model->index(product, ServiceTableModel::StableColumn).data().toString(), QStringLiteral("3/3"));
    QCOMPARE(model->index(product, ServiceTableModel::CanaryColumn).data().toString(), QStringLiteral("1/1"));
    QCOMPARE(model->index(product, ServiceTableModel::CanaryWeightColumn).data().toString(), QStringLiteral("10%"));
    QCOMPARE(model->index(rowOf.value(QStringLiteral("orderservice")), ServiceTableModel::StableColumn).data().toString(), QStringLiteral("4/4"));
    QCOMPARE(model->index(rowOf.value(QStringLiteral("orderservice")), ServiceTableModel::LastWarningColumn).data().toString(),
             QStringLiteral("BackOff: <b>bold</b><img src=x>"));

    // Health is an icon AND a word, from the one mapping.
    QStyleOptionViewItem option;
    const QModelIndex health = model->index(product, ServiceTableModel::HealthColumn);
    QCOMPARE(health.data().toString(), QStringLiteral("Healthy"));
    QVERIFY(!HealthStyle::icon(Health::Healthy).isNull());
    QVERIFY(!HealthStyle::icon(Health::Stale).pixmap(16, 16).isNull());
    QVERIFY(HealthStyle::color(Health::Healthy) != HealthStyle::color(Health::Unhealthy));
    QVERIFY(table->visualRect(health).isValid());
    // One context: the Context column would repeat itself.
    QVERIFY(table->isColumnHidden(ServiceTableModel::ContextColumn));
}

void tst_MainWindow::detailPaneFollowsTheSelection()
{
    QVERIFY(m_window->selectService(ServiceKey{Ctx, Ns, QStringLiteral("orderservice")}));
    QCOMPARE(m_window->selectedService().name, QStringLiteral("orderservice"));
    auto *pods = named<QTableView>(QStringLiteral("Pods"));
    QCOMPARE(pods->model()->rowCount(), 5); // 4 stable, 1 canary
    auto *events = named<QTableView>(QStringLiteral("Events"));
    QCOMPARE(events->model()->rowCount(), 1);
    auto *title = named<QLabel>(QStringLiteral("Selected service"));
    QCOMPARE(title->textFormat(), Qt::PlainText);
    QVERIFY(title->text().startsWith(QStringLiteral("orderservice")));

    // The pod goes away → gone from the pods table.
    m_store.apply(batch({deleted(ResourceKind::Pod, QStringLiteral("orderservice-stable-3"))}));
    m_store.flush();
    QCOMPARE(pods->model()->rowCount(), 4);
}

void tst_MainWindow::pickersAndFilterNarrowTheTable()
{
    auto *table = named<QTableView>(QStringLiteral("Services"));
    auto *filter = named<QLineEdit>(QStringLiteral("Filter services"));
    QTest::keyClicks(filter, QStringLiteral("order"));
    QCOMPARE(table->model()->rowCount(), 1);
    filter->clear();
    QCOMPARE(table->model()->rowCount(), 3);
    auto *ns = named<QComboBox>(QStringLiteral("Namespace"));
    QCOMPARE(ns->count(), 2); // All namespaces, microservices
    QCOMPARE(ns->itemText(0), QStringLiteral("All namespaces"));
    auto *context = named<QComboBox>(QStringLiteral("Context"));
    QCOMPARE(context->count(), 2);
    context->setCurrentIndex(1);
    QCOMPARE(table->model()->rowCount(), 3);
    context->setCurrentIndex(0);
}

void tst_MainWindow::keyboardReachesEverything()
{
    QApplication::setActiveWindow(m_window.get());
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), named<QLineEdit>(QStringLiteral("Filter services")));
    QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), named<QTableView>(QStringLiteral("Pods")));
    QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), named<QTableView>(QStringLiteral("Services")));
    // Tab leaves the services table for the pods table, not the next cell.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QTRY_COMPARE(QApplication::focusWidget(), named<QTableView>(QStringLiteral("Pods")));
}

void tst_MainWindow::staleContextIsMarked()
{
    auto *status = named<QLabel>(QStringLiteral("Last update per context"));
    QVERIFY(status);
    m_store.setSourceStatus(QStringLiteral("kubernetes:ctx"), SourceStatus{SourceStatus::State::Ok, QDateTime::currentDateTimeUtc(), std::nullopt});
    m_store.flush();
    QVERIFY2(status->text().contains(QStringLiteral("ctx: updated")), qPrintable(status->text()));
    QVERIFY(status->toolTip().contains(QStringLiteral("UTC")));
    m_store.setSourceStatus(QStringLiteral("kubernetes:ctx"),
                            SourceStatus{SourceStatus::State::Down, {}, Error{ErrorKind::Network, QStringLiteral("refused"), {}, std::nullopt}});
    m_store.flush();
    QVERIFY2(status->text().contains(QStringLiteral("ctx: stale")), qPrintable(status->text()));
    auto *table = named<QTableView>(QStringLiteral("Services"));
    // Stale, with how long: "Stale, 0 s".
    QVERIFY2(table->model()->index(0, ServiceTableModel::HealthColumn).data().toString().startsWith(QStringLiteral("Stale, ")),
             qPrintable(table->model()->index(0, ServiceTableModel::HealthColumn).data().toString()));
    QCOMPARE(table->model()->index(0, ServiceTableModel::HealthColumn).data(ServiceTableModel::StaleRole).toBool(), true);
    QCOMPARE(table->model()->index(0, ServiceTableModel::StableColumn).data().toString().isEmpty(), false); // data kept
    m_store.setSourceStatus(QStringLiteral("kubernetes:ctx"), SourceStatus{SourceStatus::State::Ok, QDateTime::currentDateTimeUtc(), std::nullopt});
    m_store.flush();
}

void tst_MainWindow::rendersOffscreen()
{
    const QPixmap pixmap = m_window->grab();
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.width() >= 400);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"

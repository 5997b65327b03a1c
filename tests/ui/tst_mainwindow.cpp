#include "mainwindow.h"
#include "pluginloader.h"
#include "sourcelistmodel.h"

#include <QAbstractItemView>
#include <QApplication>
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
    void rendersOffscreen();

private:
    template<typename T>
    T *named(const QString &accessibleName) const;

    PluginLoader m_loader{QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)}};
    SourceListModel m_model;
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
    m_window = std::make_unique<MainWindow>(&m_model);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_MainWindow::everyReadableWidgetHasAName()
{
    QCOMPARE(m_window->windowTitle(), QStringLiteral("Opsdeck"));
    QVERIFY(named<QGroupBox>(QStringLiteral("Sources")));
    QVERIFY(named<QListView>(QStringLiteral("Plugins")));
    for (const QString &name : {QStringLiteral("Context"), QStringLiteral("Server"), QStringLiteral("Server version"),
                                QStringLiteral("Connection state"), QStringLiteral("Status")})
        QVERIFY2(named<QLabel>(name), qPrintable(name));
    // Every label with text that a person reads, and every view, says what it is.
    for (QLabel *label : m_window->findChildren<QLabel *>()) {
        if (label->buddy() || label->text().endsWith(QLatin1Char(':')))
            continue; // form captions name their field
        QVERIFY2(!label->accessibleName().isEmpty(), qPrintable(QStringLiteral("unnamed label: ") + label->text()));
    }
    for (QAbstractItemView *view : m_window->findChildren<QAbstractItemView *>())
        QVERIFY(!view->accessibleName().isEmpty());
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
    QCOMPARE(named<QLabel>(QStringLiteral("Context"))->text(), QStringLiteral("opsdeck-sim"));
    QCOMPARE(named<QLabel>(QStringLiteral("Server"))->text(), QStringLiteral("https://127.0.0.1:6443"));
    QCOMPARE(named<QLabel>(QStringLiteral("Server version"))->text(), QStringLiteral("v1.31.0"));
    QCOMPARE(named<QLabel>(QStringLiteral("Connection state"))->text(), QStringLiteral("Connected"));
    QVERIFY(named<QLabel>(QStringLiteral("Status"))->text().contains(QLatin1String("v1.31.0")));

    // Server-supplied text is never rendered as rich text.
    m_window->setConnection(ConnectionInfo{ConnectionInfo::State::Failed, QStringLiteral("<b>ctx</b>"), {}, {},
                                           QStringLiteral("<img src=x> refused")});
    QCOMPARE(named<QLabel>(QStringLiteral("Context"))->textFormat(), Qt::PlainText);
    QCOMPARE(named<QLabel>(QStringLiteral("Connection message"))->textFormat(), Qt::PlainText);
    QCOMPARE(named<QLabel>(QStringLiteral("Connection state"))->text(), QStringLiteral("Connection failed"));
    QVERIFY(named<QLabel>(QStringLiteral("Status"))->text().contains(QLatin1String("refused")));
}

void tst_MainWindow::rendersOffscreen()
{
    const QPixmap pixmap = m_window->grab();
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.width() >= 400);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"

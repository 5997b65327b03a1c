#include "pluginloader.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

class tst_PluginLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadsTheTestPlugin();
    void brokenFixturesBecomeErrors_data();
    void brokenFixturesBecomeErrors();
    void duplicateIdIsRefused();
    void missingFolderIsNoError();
    void envPathComesFirst();

private:
    static QString fixture(const QString &name);
    static const Error *errorFor(const QList<Error> &errors, const QString &file);
};

QString tst_PluginLoader::fixture(const QString &name)
{
    return QDir(QStringLiteral(OPSDECK_FIXTURE_PLUGIN_DIR)).filePath(QStringLiteral("libopsdeck-fixture-%1.so").arg(name));
}

const Error *tst_PluginLoader::errorFor(const QList<Error> &errors, const QString &file)
{
    for (const Error &error : errors) {
        if (error.message.contains(file))
            return &error;
    }
    return nullptr;
}

void tst_PluginLoader::loadsTheTestPlugin()
{
    PluginLoader loader({QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)});
    loader.load();
    const QList<PluginInfo> plugins = loader.plugins();
    const auto it = std::find_if(plugins.begin(), plugins.end(), [](const PluginInfo &p) { return p.id == QLatin1String("test"); });
    QVERIFY2(it != plugins.end(), qPrintable(QStringLiteral("test plugin not loaded; errors: %1").arg(loader.errors().size())));
    QCOMPARE(it->version, QStringLiteral("1.0.0"));
    QCOMPARE(it->name, QStringLiteral("Test source"));
    QCOMPARE(it->observations, QStringList{QStringLiteral("resources")});
    QVERIFY(it->actions.isEmpty());
    QVERIFY(it->testOnly);
    QCOMPARE(it->iid, QStringLiteral(OPSDECK_SOURCE_IID));
    QVERIFY(it->fileName.endsWith(QLatin1String("libopsdeck-testplugin.so")));

    DataSourceFactory *factory = loader.sourceFactory(QStringLiteral("test"));
    QVERIFY(factory);
    QVERIFY(!loader.actionProviderFactory(QStringLiteral("test")));
    QVERIFY(!loader.sourceFactory(QStringLiteral("nope")));
    std::unique_ptr<DataSource> source = factory->createSource();
    QVERIFY(source);
    QVERIFY(source->configure(SourceConfig{QStringLiteral("t1"), {}}));
    QCOMPARE(source->sourceId(), QStringLiteral("t1"));
    const Result<void> bad = source->configure(SourceConfig{QStringLiteral("t1"), {{QStringLiteral("intervalMs"), -5}}});
    QVERIFY(!bad);
    QVERIFY(bad.error().kind == ErrorKind::Config); // not QCOMPARE: ADL finds Opsdeck::toString(ErrorKind)
}

void tst_PluginLoader::brokenFixturesBecomeErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("problem");
    QTest::newRow("wrong IID") << QStringLiteral("wrongiid") << QStringLiteral("wrong interface id 'org.example.SomethingElse/1'");
    QTest::newRow("missing field") << QStringLiteral("missingfield") << QStringLiteral("metadata field 'version' is missing");
    QTest::newRow("does not load") << QStringLiteral("unloadable") << QStringLiteral("cannot be loaded");
    QTest::newRow("promises actions") << QStringLiteral("noactions") << QStringLiteral("lists actions but does not implement ActionProviderFactory");
    QTest::newRow("not a plugin") << QStringLiteral("notaplugin") << QStringLiteral("is not a Qt plugin");
}

void tst_PluginLoader::brokenFixturesBecomeErrors()
{
    QFETCH(QString, name);
    QFETCH(QString, problem);
    const QString file = fixture(name);
    QVERIFY2(QFile::exists(file), qPrintable(file));

    PluginLoader loader({QStringLiteral(OPSDECK_FIXTURE_PLUGIN_DIR)});
    loader.load();
    const Error *error = errorFor(loader.errors(), file);
    QVERIFY2(error, qPrintable(QStringLiteral("no error names %1").arg(file)));
    QVERIFY(error->kind == ErrorKind::Plugin);
    QVERIFY2(error->message.contains(problem), qPrintable(error->message));
    for (const PluginInfo &info : loader.plugins())
        QVERIFY2(info.fileName != file, qPrintable(file + QStringLiteral(" was loaded")));
}

void tst_PluginLoader::duplicateIdIsRefused()
{
    PluginLoader loader({QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR), QStringLiteral(OPSDECK_FIXTURE_PLUGIN_DIR)});
    loader.load();
    const QList<PluginInfo> plugins = loader.plugins();
    QCOMPARE(std::count_if(plugins.begin(), plugins.end(), [](const PluginInfo &p) { return p.id == QLatin1String("test"); }), 1);
    const auto test = std::find_if(plugins.begin(), plugins.end(), [](const PluginInfo &p) { return p.id == QLatin1String("test"); });
    QCOMPARE(test->version, QStringLiteral("1.0.0")); // the first found wins

    const Error *error = errorFor(loader.errors(), fixture(QStringLiteral("duplicate")));
    QVERIFY(error);
    QVERIFY(error->kind == ErrorKind::Plugin);
    QVERIFY2(error->message.contains(QLatin1String("duplicate plugin id 'test'")), qPrintable(error->message));
    QVERIFY2(error->message.contains(QLatin1String("libopsdeck-testplugin.so")), qPrintable(error->message));
}

void tst_PluginLoader::missingFolderIsNoError()
{
    QTemporaryDir dir;
    PluginLoader loader({dir.filePath(QStringLiteral("does-not-exist")), dir.path()});
    loader.load();
    QVERIFY(loader.plugins().isEmpty());
    QVERIFY(loader.errors().isEmpty());
}

void tst_PluginLoader::envPathComesFirst()
{
    qputenv("OPSDECK_PLUGIN_PATH", QByteArray("/a/b:/c/d"));
    const QStringList paths = PluginLoader::defaultSearchPaths();
    qunsetenv("OPSDECK_PLUGIN_PATH");
    QVERIFY(paths.size() >= 3);
    QCOMPARE(paths.at(0), QStringLiteral("/a/b"));
    QCOMPARE(paths.at(1), QStringLiteral("/c/d"));
}

QTEST_GUILESS_MAIN(tst_PluginLoader)
#include "tst_pluginloader.moc"

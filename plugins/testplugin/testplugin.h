#pragma once

// Root object of the test plugin: makes TestSources.

#include "datasourcefactory.h"

#include <QObject>

class TestPlugin final : public QObject, public Opsdeck::DataSourceFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID OPSDECK_SOURCE_IID FILE "testplugin.json")
    Q_INTERFACES(Opsdeck::DataSourceFactory)

public:
    std::unique_ptr<Opsdeck::DataSource> createSource() const override;
};

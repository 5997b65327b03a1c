#pragma once

// Root object of the Application Insights plugin: makes one AppInsightsSource per configured source.

#include "datasourcefactory.h"

#include <QObject>

class AppInsightsPlugin final : public QObject, public Opsdeck::DataSourceFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID OPSDECK_SOURCE_IID FILE "appinsights.json")
    Q_INTERFACES(Opsdeck::DataSourceFactory)

public:
    std::unique_ptr<Opsdeck::DataSource> createSource() const override;
};

import type { ConnectorProfile, Flow } from './catalog.js';
import type { ConnectorConfiguration } from './connector.js';
import type { Registration } from './store.js';

/**
 * The output shapes of DescribeConnector (ConnectorConfiguration) and ListConnectors
 * (ConnectorDetail) built from a registration, with the field names of the AppFlow API, which
 * differ in places from the connector protocol's (connectorRuntimeSetting → connectorRuntimeSettings,
 * operatorsSupported → supportedOperators, required → isRequired…) and, for trigger types, in values.
 * Timestamps are epoch seconds, as rest-json writes them.
 */

export function connectorConfiguration(registration: Registration): Record<string, unknown> {
  const answer = registration.configuration;
  return compact({
    canUseAsSource: answer.connectorModes.includes('SOURCE'),
    canUseAsDestination: answer.connectorModes.includes('DESTINATION'),
    supportedSchedulingFrequencies: answer.triggerFrequenciesSupported,
    isPrivateLinkEnabled: false,
    isPrivateLinkEndpointUrlRequired: false,
    supportedTriggerTypes: answer.supportedTriggerTypes?.map(triggerType),
    connectorType: 'CustomConnector',
    connectorLabel: registration.label,
    connectorDescription: registration.description,
    connectorOwner: answer.connectorOwner,
    connectorName: answer.connectorName,
    connectorVersion: answer.connectorVersion,
    connectorArn: registration.connectorArn,
    connectorModes: answer.connectorModes,
    authenticationConfig: authenticationConfig(answer.authenticationConfig),
    connectorRuntimeSettings: answer.connectorRuntimeSetting?.map(runtimeSetting),
    supportedApiVersions: answer.supportedApiVersions,
    supportedOperators: answer.operatorsSupported,
    supportedWriteOperations: answer.supportedWriteOperations,
    connectorProvisioningType: 'LAMBDA',
    connectorProvisioningConfig: { lambda: { lambdaArn: registration.lambdaArn } },
    logoURL: answer.logoURL,
    registeredAt: registration.registeredAt / 1000,
    registeredBy: registration.registeredBy,
    supportedDataTransferTypes: ['RECORD'],
  });
}

export function connectorDetail(registration: Registration): Record<string, unknown> {
  const answer = registration.configuration;
  return compact({
    connectorDescription: registration.description,
    connectorName: answer.connectorName,
    connectorOwner: answer.connectorOwner,
    connectorVersion: answer.connectorVersion,
    connectorType: 'CustomConnector',
    connectorLabel: registration.label,
    registeredAt: registration.registeredAt / 1000,
    registeredBy: registration.registeredBy,
    connectorProvisioningType: 'LAMBDA',
    connectorModes: answer.connectorModes,
    supportedDataTransferTypes: ['RECORD'],
  });
}

/** ConnectorProfile as DescribeConnectorProfiles answers it. */
export function connectorProfile(profile: ConnectorProfile): Record<string, unknown> {
  return compact({
    connectorProfileArn: profile.arn,
    connectorProfileName: profile.name,
    connectorType: profile.connectorType,
    connectorLabel: profile.connectorLabel,
    connectionMode: profile.connectionMode,
    credentialsArn: profile.credentialsArn,
    connectorProfileProperties:
      profile.connectorType === 'CustomConnector'
        ? { CustomConnector: compact({ profileProperties: profile.profileProperties }) }
        : {},
    createdAt: profile.createdAt / 1000,
    lastUpdatedAt: profile.lastUpdatedAt / 1000,
  });
}

/** FlowDefinition as ListFlows answers it. */
export function flowDefinition(flow: Flow): Record<string, unknown> {
  return compact({
    flowArn: flow.arn,
    description: flow.description,
    flowName: flow.name,
    flowStatus: flow.status,
    sourceConnectorType: flow.sourceConnectorType,
    sourceConnectorLabel: flow.sourceConnectorLabel,
    destinationConnectorType: flow.destinationConnectorType,
    destinationConnectorLabel: flow.destinationConnectorLabel,
    triggerType: flow.triggerType,
    createdAt: flow.createdAt / 1000,
    lastUpdatedAt: flow.createdAt / 1000,
    createdBy: flow.createdBy,
    lastUpdatedBy: flow.createdBy,
    tags: flow.tags,
  });
}

/** A plausible configuration for connectors the world says were registered before the stack started. */
export function seededConfiguration(label: string): ConnectorConfiguration {
  return {
    connectorOwner: 'pre-registered',
    connectorName: label,
    connectorVersion: '1.0',
    connectorModes: ['SOURCE'],
    authenticationConfig: {
      isBasicAuthSupported: false,
      isApiKeyAuthSupported: true,
      isOAuth2Supported: false,
      isCustomAuthSupported: false,
    },
    supportedApiVersions: ['v1'],
  };
}

/**
 * The protocol's trigger types (the custom connector SDKs' TriggerType: SCHEDULED, ONDEMAND) in the
 * API's TriggerType enum (Scheduled | Event | OnDemand). A value neither knows is passed on as it is.
 */
const TRIGGER_TYPES: Record<string, string> = {
  SCHEDULED: 'Scheduled',
  ONDEMAND: 'OnDemand',
  EVENT: 'Event',
};

function triggerType(value: string): string {
  return TRIGGER_TYPES[value] ?? value;
}

function authenticationConfig(
  config: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!config) return undefined;
  const oauth = config.oAuth2Defaults as Record<string, unknown> | undefined;
  return compact({
    isBasicAuthSupported: config.isBasicAuthSupported,
    isApiKeyAuthSupported: config.isApiKeyAuthSupported,
    isOAuth2Supported: config.isOAuth2Supported,
    isCustomAuthSupported: config.isCustomAuthSupported,
    oAuth2Defaults: oauth
      ? compact({
          oauthScopes: oauth.oauthScopes,
          tokenUrls: oauth.tokenURL ?? oauth.tokenUrls,
          authCodeUrls: oauth.authURL ?? oauth.authCodeUrls,
          oauth2GrantTypesSupported: oauth.oAuth2GrantTypesSupported ?? oauth.oauth2GrantTypesSupported,
          oauth2CustomProperties: oauth.oAuth2CustomProperties ?? oauth.oauth2CustomProperties,
        })
      : undefined,
    customAuthConfigs: config.customAuthConfig ?? config.customAuthConfigs,
  });
}

function runtimeSetting(setting: Record<string, unknown>): Record<string, unknown> {
  return compact({
    key: setting.key,
    dataType: setting.dataType,
    isRequired: setting.required ?? setting.isRequired,
    label: setting.label,
    description: setting.description,
    scope: setting.scope,
    connectorSuppliedValueOptions: setting.connectorSuppliedValueOptions,
  });
}

/** Drops undefined and null members, as AWS omits absent ones. */
function compact(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).filter(([, member]) => member !== undefined && member !== null),
  );
}

import { RegionInfo } from 'aws-cdk-lib/region-info';
import { regionPartition } from '../src/private/arns';

// The library reads a Region's partition from its code rather than from aws-cdk-lib's RegionInfo,
// whose first lookup loads every fact of every Region. RegionInfo is the oracle here.

describe('partitions from Region codes', () => {
  test('RegionInfo still lists Regions in several partitions', () => {
    const partitions = new Set(RegionInfo.regions.map(region => region.partition));
    expect([...partitions]).toEqual(expect.arrayContaining(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b']));
  });

  test.each(RegionInfo.regions.map(region => [region.name, region.partition, region.domainSuffix]))(
    '%s is in %s, at %s, as RegionInfo says', (name, partition, domainSuffix) => {
      expect(regionPartition(name!)).toEqual({ partition, domainSuffix });
    });

  test.each(['', 'us-east', 'US-EAST-1', 'us-east-1a', '${Token[AWS.Region.1]}', 'us_east_1'])('%p is not a Region code', text => {
    expect(regionPartition(text)).toBeUndefined();
  });

  test('a Region newer than RegionInfo is taken by its code where the code settles it, and is unknown otherwise', () => {
    expect(regionPartition('mx-north-9')?.partition).toBe('aws');
    expect(regionPartition('cn-southwest-9')?.partition).toBe('aws-cn');
    expect(regionPartition('us-gov-north-9')?.partition).toBe('aws-us-gov');
    // A partition the table does not know, or no Region at all: RegionInfo decides, and knows nothing.
    expect(regionPartition('us-isox-east-1')).toBeUndefined();
    expect(regionPartition('xx-nowhere-1')).toBeUndefined();
  });

  test('every Region RegionInfo lists is read from its code, without loading RegionInfo', () => {
    const names = RegionInfo.regions.map(region => region.name);
    jest.isolateModules(() => {
      jest.doMock('aws-cdk-lib/region-info', () => ({
        RegionInfo: { get: (name: string) => { throw new Error(`RegionInfo was asked about ${name}`); } },
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated: typeof import('../src/private/arns') = require('../src/private/arns');
      for (const name of names) expect(isolated.regionPartition(name)).toBeDefined();
      expect(() => isolated.regionPartition('xx-nowhere-1')).toThrow(/RegionInfo was asked about xx-nowhere-1/);
    });
  });
});

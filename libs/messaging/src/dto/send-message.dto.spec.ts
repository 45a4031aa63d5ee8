import 'reflect-metadata';
import { createValidationPipe } from '@app/platform';
import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { RecipientDto, SendMessageDto } from './messaging.dto';

const USER = '01937c1e-5b7a-7cc2-9a57-0ad1f1e6a1b2';
const GROUP = '01937c1e-5b7a-7cc2-9a57-0ad1f1e6a1b3';
const body: ArgumentMetadata = { type: 'body', metatype: SendMessageDto, data: undefined };

const withFastAccept = createValidationPipe();
const classValidatorOnly = createValidationPipe({ fastAccept: false });

async function outcome(pipe: ValidationPipe, value: unknown): Promise<unknown> {
  try {
    const dto = await pipe.transform(value, body);
    return { dto, to: dto.to instanceof RecipientDto, isDto: dto instanceof SendMessageDto };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return { refused: (error as BadRequestException).getResponse() };
  }
}

const valid = { to: { userId: USER }, body: 'hello 👋', clientMsgId: 'c-7f1d2e' };

/** Bodies on both sides of every rule, each of which the fast accept could get wrong. */
const cases: Record<string, unknown> = {
  '1:1': valid,
  group: { ...valid, to: { groupId: GROUP } },
  'upper-case uuid': { ...valid, to: { userId: USER.toUpperCase() } },
  'body of 4000': { ...valid, body: 'x'.repeat(4000) },
  'body of 4001': { ...valid, body: 'x'.repeat(4001) },
  'body of 4000 emoji (counted as 4000 by class-validator)': { ...valid, body: '👋'.repeat(4000) },
  'body of a lone variation selector': { ...valid, body: '\uFE0F' },
  'empty body': { ...valid, body: '' },
  'body with NUL': { ...valid, body: 'a\u0000b' },
  'body with a lone surrogate': { ...valid, body: 'a\uD800b' },
  'body with tab and newline': { ...valid, body: 'a\tb\nc' },
  'body a number': { ...valid, body: 42 },
  'clientMsgId of 64': { ...valid, clientMsgId: 'a'.repeat(64) },
  'clientMsgId of 65': { ...valid, clientMsgId: 'a'.repeat(65) },
  'clientMsgId with a space': { ...valid, clientMsgId: 'a b' },
  'clientMsgId a number': { ...valid, clientMsgId: 7 },
  'no clientMsgId': { to: valid.to, body: valid.body },
  'an unknown field': { ...valid, extra: 1 },
  'an unknown field instead of one': { to: valid.to, body: valid.body, extra: 'c-1' },
  'both userId and groupId': { ...valid, to: { userId: USER, groupId: GROUP } },
  'to empty': { ...valid, to: {} },
  'to with an unknown field': { ...valid, to: { friend: USER } },
  'userId not a uuid': { ...valid, to: { userId: 'bob' } },
  'groupId not a uuid': { ...valid, to: { groupId: 'g-1' } },
  'userId null': { ...valid, to: { userId: null } },
  'to a string': { ...valid, to: USER },
  'to an array': { ...valid, to: [USER] },
  'to null': { ...valid, to: null },
  'the body an array': [valid],
  'the body null': null,
  'the body a string': 'hello',
};

describe('SendMessageDto: the fast accept beside class-validator', () => {
  it.each(Object.entries(cases))('%s: the same DTO or the same refusal', async (_name, value) => {
    expect(await outcome(withFastAccept, value)).toEqual(await outcome(classValidatorOnly, value));
  });

  it('takes the common bodies without class-validator, and leaves every refusal to it', async () => {
    const slowPath = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      await withFastAccept.transform(valid, body);
      await withFastAccept.transform(cases.group, body);
      expect(slowPath).not.toHaveBeenCalled();
      await expect(withFastAccept.transform(cases['userId not a uuid'], body)).rejects.toThrow(BadRequestException);
      expect(slowPath).toHaveBeenCalledTimes(1);
    } finally {
      slowPath.mockRestore();
    }
  });

  it('gives the controller the DTO it would get from class-transformer', async () => {
    const dto = await withFastAccept.transform(valid, body);
    expect(dto).toBeInstanceOf(SendMessageDto);
    expect(dto.to).toBeInstanceOf(RecipientDto);
    expect(dto).toEqual(await classValidatorOnly.transform(valid, body));
  });
});

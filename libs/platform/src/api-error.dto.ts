import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape, for Swagger. */
export class ApiErrorDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code: string;
  @ApiProperty({
    example: ['body must be shorter than or equal to 4000 characters'],
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  })
  message: string | string[];
  @ApiPropertyOptional({ example: '5f0c…' }) requestId?: string;
}
